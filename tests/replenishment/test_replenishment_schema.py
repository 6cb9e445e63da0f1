"""Migration 0037 and replenishment's model agree (SQLite; PostgreSQL when available)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from tests.members.test_schema import _table_of
from transactional_api.core.models import Base
from transactional_api.migrations import upgrade
from transactional_api.replenishment import models  # noqa: F401 (registers the table)


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_migration_matches_the_model(engine_name, tmp_path, request):
    url = (f"sqlite:///{tmp_path}/oltp.sqlite3" if engine_name == "sqlite"
           else request.getfixturevalue("postgres_db"))
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        assert [d for d in diff if _table_of(d) == "replenishment_orders"] == []
    finally:
        engine.dispose()
