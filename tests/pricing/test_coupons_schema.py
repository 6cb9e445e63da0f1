"""Migration 0025 and the coupon models agree, on SQLite and PostgreSQL; the CHECKs refuse
an over-issued template and a used coupon without an order whatever the code does."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url

TABLES = {"coupon_templates", "coupons", "coupon_codes"}
NOW = "2026-03-01 12:00:00+00:00"


def _checks(conn) -> None:
    conn.execute(text(
        "INSERT INTO users (id, email, password_hash, role, created_at) "
        "VALUES ('u1', 'u1@example.com', 'x', 'customer', :now)"), {"now": NOW})
    conn.execute(text(
        "INSERT INTO coupon_templates (id, name, kind, params, min_spend_cents, scope_kind, "
        "scope_ids, exclusive, priority, status, valid_days, total_limit, issued_count, "
        "per_user_limit, claimable, currency, version, created_by, created_at, updated_at) "
        "VALUES ('t1', 'T', 'percent_off', '{}', 0, 'store', '[]', false, 0, 'active', 7, 1, "
        "1, 1, true, 'USD', 1, 'op', :now, :now)"), {"now": NOW})
    for bad in ("UPDATE coupon_templates SET issued_count = 2",
                "UPDATE coupon_templates SET valid_from = :now",  # both validity styles
                "INSERT INTO coupons (id, template_id, user_id, claim_no, status, valid_from, "
                "valid_until, channel, claimed_at) VALUES ('c1', 't1', 'u1', 1, 'used', :now, "
                "'2026-03-08 12:00:00+00:00', 'claim', :now)"):
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(text(bad), {"now": NOW})


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request),
                                   check=_checks)
