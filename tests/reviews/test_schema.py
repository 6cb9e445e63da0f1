"""Migration 0014 and the models agree (reviews, product_ratings and search's rating sort
key), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from transactional_api.core.models import Base
from transactional_api.migrations import upgrade

MINE = {"reviews", "product_ratings"}
SEARCH_PARTS = {"rating_count", "rating_avg_centi", "ix_search_documents_rating"}


def _names(item) -> set[str]:
    """Table, column and index names a diff entry mentions."""
    item = item[0] if isinstance(item, list) else item
    found = set()
    for part in item[1:]:
        for obj in (part, getattr(part, "table", None)):
            name = obj if isinstance(obj, str) else getattr(obj, "name", None)
            if name:
                found.add(name)
    return found


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_migration_matches_the_models(engine_name, tmp_path, request):
    url = (f"sqlite:///{tmp_path}/oltp.sqlite3" if engine_name == "sqlite"
           else request.getfixturevalue("postgres_db"))
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            assert set(found.get_table_names()) >= MINE
            columns = {c["name"] for c in found.get_columns("search_documents")}
            assert {"rating_count", "rating_avg_centi"} <= columns
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        about_mine = [d for d in diff if _names(d) & (MINE | SEARCH_PARTS)]
        assert about_mine == []
    finally:
        engine.dispose()
