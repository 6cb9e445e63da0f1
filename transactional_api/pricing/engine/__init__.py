"""The price engine: pure functions over plain values (no database, no clock), so every
rule is tested by hand-worked tables and properties, and the API and the bench call the
same code."""
