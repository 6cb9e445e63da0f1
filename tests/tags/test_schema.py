"""Migration 0018 and the tags' models agree, on SQLite and PostgreSQL; the built-in
automatic tags are defined and active after it."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from tests.members.test_schema import _table_of
from transactional_api.core.models import Base
from transactional_api.migrations import upgrade

TABLES = {"tag_definitions", "user_tags", "audiences"}


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
            seeded = dict(conn.execute(text(
                "SELECT name, status FROM tag_definitions WHERE kind = 'automatic'")).all())
        assert [d for d in diff if _table_of(d) in TABLES] == []
        assert seeded == dict.fromkeys(["dormant_90d", "frequent_returner", "high_potential",
                                        "member_level", "price_sensitive", "rfm_segment"],
                                       "active")
    finally:
        engine.dispose()
