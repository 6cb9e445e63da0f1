"""Migration 0033 and the promoters' models agree, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url

TABLES = {"promoters", "promoter_bindings", "promoter_commission_rules",
          "promoter_commissions", "promoter_ledger_entries", "promoter_withdrawals",
          "promoter_consumed_events", "promoter_cursors"}


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request))
