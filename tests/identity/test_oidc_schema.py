"""Migration 0020 and the OIDC link model agree, on SQLite and PostgreSQL; it downgrades
alone (other branches off 0016 stay), narrowing identity_codes.channel back."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from tests.identity.test_identity_schema import _table_of
from transactional_api.core.models import Base
from transactional_api.migrations import alembic_config, upgrade

TABLES = {"user_oidc_links", "identity_codes"}


def _channel_length(conn) -> int:
    return next(c["type"].length for c in inspect(conn).get_columns("identity_codes")
                if c["name"] == "channel")


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_migration_matches_the_models(engine_name, tmp_path, request):
    url = (f"sqlite:///{tmp_path}/oltp.sqlite3" if engine_name == "sqlite"
           else request.getfixturevalue("postgres_db"))
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= TABLES
            uniques = {tuple(u["column_names"])
                       for u in inspect(conn).get_unique_constraints("user_oidc_links")}
            assert {("provider", "subject"), ("user_id", "provider")} <= uniques
            assert _channel_length(conn) == 32
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        assert [d for d in diff if _table_of(d) in TABLES] == []
    finally:
        engine.dispose()


def test_downgrade_removes_only_this_migration_and_upgrade_restores_it(tmp_path):
    url = f"sqlite:///{tmp_path}/oltp.sqlite3"
    upgrade(url)
    command.downgrade(alembic_config(url), "0019")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert "user_oidc_links" not in inspect(conn).get_table_names()
        assert "0020" not in MigrationContext.configure(conn).get_current_heads()
        assert _channel_length(conn) == 8
    upgrade(url)
    with engine.connect() as conn:
        assert "user_oidc_links" in inspect(conn).get_table_names()
        assert _channel_length(conn) == 32
    engine.dispose()
