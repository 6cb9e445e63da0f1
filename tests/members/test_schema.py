"""Migrations 0015 and 0019 and the members' models (and the order columns 0019 adds)
agree, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from transactional_api.core.models import Base
from transactional_api.migrations import upgrade

TABLES = {"member_accounts", "member_growth_entries", "member_points_entries",
          "member_cursors", "member_activities"}
POINTS_COLUMNS = {"orders": {"points_spent", "points_discount_cents"},
                  "sub_orders": {"points_discount_cents"},
                  "order_items": {"points_spent", "points_discount_cents"}}


def _table_of(item) -> str | None:
    item = item[0] if isinstance(item, list) else item
    for part in item[1:]:
        name = getattr(getattr(part, "table", None), "name", None) or (
            part if isinstance(part, str) else getattr(part, "name", None))
        if name:
            return name
    return None


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_migration_matches_the_models(engine_name, tmp_path, request):
    url = (f"sqlite:///{tmp_path}/oltp.sqlite3" if engine_name == "sqlite"
           else request.getfixturevalue("postgres_db"))
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= TABLES
            for table, wanted in POINTS_COLUMNS.items():
                columns = {c["name"]: c for c in inspect(conn).get_columns(table)}
                assert all(not columns[c]["nullable"] for c in wanted)
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        assert [d for d in diff if _table_of(d) in TABLES] == []
    finally:
        engine.dispose()
