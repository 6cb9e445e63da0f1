"""Migrations 0015 and 0019 and the members' models (and the order columns 0019 adds)
agree, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url
from tests.schema_check import table_of as _table_of  # noqa: F401 (imported by other tests)

TABLES = {"member_accounts", "member_growth_entries", "member_points_entries",
          "member_cursors", "member_activities"}
POINTS_COLUMNS = {"orders": {"points_spent", "points_discount_cents"},
                  "sub_orders": {"points_discount_cents"},
                  "order_items": {"points_spent", "points_discount_cents"}}


def _points_columns_not_null(conn) -> None:
    for table, wanted in POINTS_COLUMNS.items():
        columns = {c["name"]: c for c in inspect(conn).get_columns(table)}
        assert all(not columns[c]["nullable"] for c in wanted), table


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request),
                                   check=_points_columns_not_null)
