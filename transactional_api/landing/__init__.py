"""Landing pages and resource slots (issue 14)."""
