"""Migration 0041 and the duties' models agree (SQLite; PostgreSQL when its binaries
exist): the duty table, the orders' and lines' duty columns, addresses' optional fields."""

from __future__ import annotations

from sqlalchemy import inspect

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url


def _columns(conn) -> None:
    insp = inspect(conn)
    for table in ("orders", "order_items"):
        cols = {c["name"]: c for c in insp.get_columns(table)}
        for name in ("duties_cents", "import_tax_cents"):
            assert not cols[name]["nullable"] and cols[name]["default"] is not None
    address = {c["name"]: c for c in insp.get_columns("addresses")}
    assert address["region"]["nullable"] and address["postal_code"]["nullable"]


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(["duty_rates"], database_url(engine_name, tmp_path, request),
                                   check=_columns)
