"""Migration 0016 and the identity models agree, on SQLite and PostgreSQL, and it downgrades."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url
from transactional_api.migrations import alembic_config, upgrade

TABLES = {"user_phones", "identity_codes", "user_totp", "user_recovery_codes",
          "sandbox_messages"}


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request))


def test_downgrade_removes_the_tables_and_upgrade_brings_them_back(tmp_path):
    url = f"sqlite:///{tmp_path}/oltp.sqlite3"
    upgrade(url)
    command.downgrade(alembic_config(url), "0015")
    engine = create_engine(url)
    with engine.connect() as conn:
        left = set(inspect(conn).get_table_names())
    assert not TABLES & left and "users" in left
    upgrade(url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= TABLES
    engine.dispose()
