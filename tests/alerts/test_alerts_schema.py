"""Migration 0013 and the Alert model agree, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from transactional_api.core.models import Base
from transactional_api.migrations import upgrade


def _about_alerts(diff) -> list:
    def table_of(item) -> str | None:
        item = item[0] if isinstance(item, list) else item
        for part in item[1:]:
            name = getattr(getattr(part, "table", None), "name", None) or (
                part if isinstance(part, str) else getattr(part, "name", None))
            if name:
                return name
        return None

    return [d for d in diff if table_of(d) == "alerts"]


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_migration_matches_the_model(engine_name, tmp_path, request):
    url = (f"sqlite:///{tmp_path}/oltp.sqlite3" if engine_name == "sqlite"
           else request.getfixturevalue("postgres_db"))
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert "alerts" in inspect(conn).get_table_names()
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        assert _about_alerts(diff) == []
    finally:
        engine.dispose()
