"""Migration 0032 and the landing models agree, on SQLite and PostgreSQL; the CHECKs
refuse what the service never writes."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, exc, text

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url
from transactional_api.migrations import upgrade

TABLES = {"landing_pages", "landing_slot_creatives"}


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request))


@pytest.mark.parametrize("columns", [
    "'home_banner', 'https://a.example/', 'https://b.example/'",  # two targets
    "'home_banner', NULL, NULL",  # no target
    "'sidebar', 'https://a.example/', NULL",  # no such slot
])
def test_checks_refuse_bad_creatives(tmp_path, columns):
    url = f"sqlite:///{tmp_path}/oltp.sqlite3"
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn, pytest.raises(exc.IntegrityError):
            conn.execute(text(
                "INSERT INTO landing_slot_creatives (id, slot, target_url, target_page_slug, "
                "title, image_url, priority, status, version, created_at, updated_at) VALUES "
                f"('c1', {columns}, 't', 'https://i.example/', 0, 'draft', 1, "
                "'2026-01-01', '2026-01-01')"))
    finally:
        engine.dispose()
