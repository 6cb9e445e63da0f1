"""Migration 0017 and the RoleGrant model agree, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url


@ON_BOTH_ENGINES
def test_migration_matches_the_model(engine_name, tmp_path, request):
    assert_migrations_match_models({"role_grants"},
                                   database_url(engine_name, tmp_path, request))
