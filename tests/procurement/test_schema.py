"""Migration 0036 and procurement's models agree (SQLite; PostgreSQL when its binaries
exist)."""

from __future__ import annotations

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url

TABLES = {"procurement_suppliers", "procurement_contracts", "procurement_purchase_orders",
          "procurement_po_lines", "procurement_receipts", "procurement_payables",
          "procurement_pushes", "procurement_cursors"}


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request))
