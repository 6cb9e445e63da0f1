"""Migrations 0018 and 0028 and the tags' models agree, on SQLite and PostgreSQL; the built-in
automatic tags are defined and active after them."""

from __future__ import annotations

from sqlalchemy import text

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url

TABLES = {"tag_definitions", "user_tags", "audiences"}


def _builtin_tags_active(conn) -> None:
    seeded = dict(conn.execute(text(
        "SELECT name, status FROM tag_definitions WHERE kind = 'automatic'")).all())
    assert seeded == dict.fromkeys(["dormant_90d", "frequent_returner", "high_intent",
                                    "high_potential", "member_level", "price_sensitive",
                                    "rfm_segment"],
                                   "active")


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request),
                                   check=_builtin_tags_active)
