"""The one check every domain's schema test makes: migrate a fresh SQLite file or the
PostgreSQL test database to every head, then alembic's compare_metadata finds no
difference between the migrated database and the models on the domain's tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect

from transactional_api.core.models import Base
from transactional_api.migrations import upgrade

# Parametrize a test with this and pass engine_name on to database_url.
ON_BOTH_ENGINES = pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])


def database_url(engine_name: str, tmp_path, request) -> str:
    """A fresh SQLite file, or the PostgreSQL database of the postgres_db fixture."""
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path}/oltp.sqlite3"
    return request.getfixturevalue("postgres_db")


def table_of(item) -> str | None:
    """The table a compare_metadata entry is about (a list groups one table's changes)."""
    item = item[0] if isinstance(item, list) else item
    for part in item[1:]:
        name = getattr(getattr(part, "table", None), "name", None) or (
            part if isinstance(part, str) else getattr(part, "name", None))
        if name:
            return name
    return None


def assert_migrations_match_models(tables: Iterable[str], url: str, *,
                                   check: Callable[[Connection], None] | None = None) -> None:
    """Upgrade url to every head; the tables exist and match the models (types compared).
    check(conn), when given, makes the domain's own assertions on the migrated database."""
    tables = set(tables)
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            missing = tables - set(inspect(conn).get_table_names())
            assert not missing, f"tables the migrations do not create: {sorted(missing)}"
            if check is not None:
                check(conn)
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        about_mine = [d for d in diff if table_of(d) in tables]
        assert about_mine == [], about_mine
    finally:
        engine.dispose()
