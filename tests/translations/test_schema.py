"""Migration 0040 and translations's models agree (SQLite; PostgreSQL when its binaries exist)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from tests.members.test_schema import _table_of
from transactional_api.core.models import Base
from transactional_api.migrations import upgrade

TABLES = {"translation_texts", "translation_user_languages"}


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_migration_matches_the_models(engine_name, tmp_path, request):
    url = (f"sqlite:///{tmp_path}/oltp.sqlite3" if engine_name == "sqlite"
           else request.getfixturevalue("postgres_db"))
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= TABLES
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        assert [d for d in diff if _table_of(d) in TABLES] == []
    finally:
        engine.dispose()
