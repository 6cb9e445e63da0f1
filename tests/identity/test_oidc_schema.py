"""Migration 0020 and the OIDC link model agree, on SQLite and PostgreSQL; it downgrades
alone (other branches off 0016 stay), narrowing identity_codes.channel back."""

from __future__ import annotations

from alembic import command
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url
from transactional_api.migrations import alembic_config, upgrade

TABLES = {"user_oidc_links", "identity_codes"}


def _channel_length(conn) -> int:
    return next(c["type"].length for c in inspect(conn).get_columns("identity_codes")
                if c["name"] == "channel")


def _links_unique_and_channel_wide(conn) -> None:
    uniques = {tuple(u["column_names"])
               for u in inspect(conn).get_unique_constraints("user_oidc_links")}
    assert {("provider", "subject"), ("user_id", "provider")} <= uniques
    assert _channel_length(conn) == 32


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request),
                                   check=_links_unique_and_channel_wide)


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
