"""Migration 0038 and the credit models agree, and the CHECKs refuse a line used beyond
its limit and a bill paid beyond what it charged (SQLite; PostgreSQL when installed)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.schema_check import ON_BOTH_ENGINES, assert_migrations_match_models, database_url

TABLES = {"credit_applications", "credit_lines", "credit_limit_entries", "credit_plans",
          "credit_installments", "credit_bill_entries", "credit_repayments",
          "credit_plan_refunds", "credit_returns"}
NOW = "'2026-01-01 00:00:00+00'"


def _refuses_bad_rows(conn) -> None:
    conn.execute(text("INSERT INTO users (id, email, password_hash, role, created_at) VALUES "
                      f"('u1', 'u1@example.com', 'x', 'customer', {NOW})"))
    conn.execute(text("INSERT INTO credit_applications (id, user_id, decision, limit_cents, "
                      "currency, model, income_band, employment_status, purpose, factors, "
                      f"created_at) VALUES ('a1', 'u1', 'approved', 100, 'USD', 'm', 'b', 'e', "
                      f"'p', '[]', {NOW})"))
    line = ("INSERT INTO credit_lines (id, user_id, application_id, status, limit_cents, "
            "used_cents, currency, created_at, updated_at) VALUES ('l1', 'u1', 'a1', 'active', "
            "100, {used}, 'USD', " + NOW + ", " + NOW + ")")
    with pytest.raises(IntegrityError), conn.begin_nested():
        conn.execute(text(line.format(used=101)))  # used beyond the limit
    conn.execute(text(line.format(used=100)))
    conn.execute(text("INSERT INTO credit_plans (id, line_id, user_id, order_id, payment_id, "
                      "term_months, interest_bps, principal_cents, interest_cents, fee_cents, "
                      "principal_outstanding_cents, refunded_cents, currency, status, "
                      f"created_at) VALUES ('p1', 'l1', 'u1', 'o1', 'pay1', 3, 0, 100, 0, 0, "
                      f"100, 0, 'USD', 'active', {NOW})"))
    bill = ("INSERT INTO credit_installments (id, plan_id, line_id, user_id, seq, due_date, "
            "principal_cents, interest_cents, fee_cents, late_fee_cents, paid_principal_cents, "
            "paid_interest_cents, paid_fee_cents, paid_late_fee_cents, waived_cents, "
            "cancelled_cents, late_fee_periods, currency, status) VALUES ('b1', 'p1', 'l1', "
            "'u1', 1, '2026-02-01', 50, 0, 0, 0, {paid}, 0, 0, 0, 0, 0, 0, 'USD', 'billed')")
    with pytest.raises(IntegrityError), conn.begin_nested():
        conn.execute(text(bill.format(paid=51)))  # paid beyond the charge


@ON_BOTH_ENGINES
def test_migration_matches_the_models(engine_name, tmp_path, request):
    assert_migrations_match_models(TABLES, database_url(engine_name, tmp_path, request),
                                   check=_refuses_bad_rows)
