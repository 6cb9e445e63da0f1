"""Migration 0009 and the models agree, on SQLite and PostgreSQL, and upgrading a shop
with payments in place gives them their ledger and the refund rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from transactional_api.core.models import Base
from transactional_api.migrations import alembic_config, upgrade
from transactional_api.payments import models  # noqa: F401 (every payment table)

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
MINE = {"payments", "payment_transactions", "payment_refunds", "wallet_accounts",
        "wallet_entries", "payment_reconciliation_runs", "payment_reconciliation_mismatches",
        "sandbox_card_sessions", "sandbox_bank_transfers", "sandbox_provider_callbacks",
        "sandbox_ledger_entries", "sandbox_statement_faults", "sandbox_charges"}


def _url(engine_name: str, tmp_path, request) -> str:
    return (f"sqlite:///{tmp_path}/oltp.sqlite3" if engine_name == "sqlite"
            else request.getfixturevalue("postgres_db"))


def _tables_of(diff) -> set[str]:
    out = set()
    for d in diff:
        item = d[0] if isinstance(d, list) else d
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(part, "table", None)
            if table is not None:
                out.add(table.name)
            elif name in Base.metadata.tables:
                out.add(name)
    return out


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_upgrading_a_shop_with_payments(engine_name, tmp_path, request):
    url = _url(engine_name, tmp_path, request)
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        for oid in ("o1", "o2", "o3"):
            conn.execute(text(
                "INSERT INTO orders (id, user_id, status, currency, subtotal_cents, "
                "discount_cents, total_cents, created_at, updated_at, expires_at) VALUES "
                "(:id, 'u', 'paid', 'USD', 500, 0, 500, :t, :t, :e)"),
                {"id": oid, "t": NOW, "e": NOW + timedelta(minutes=15)})
        for pid, oid, status in (("p1", "o1", "succeeded"), ("p2", "o2", "refund_due"),
                                 ("p3", "o3", "failed")):
            conn.execute(text(
                "INSERT INTO payments (id, order_id, channel, amount_cents, currency, status, "
                "captured_at, created_at, updated_at) VALUES (:id, :o, 'sandbox', 500, 'USD', "
                ":st, :t, :t, :t)"), {"id": pid, "o": oid, "st": status, "t": NOW})
    engine.dispose()
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, captured_cents FROM payments")).all())
            assert rows == {"p1": 500, "p2": 500, "p3": 0}
            ledger = conn.execute(text(
                "SELECT payment_id, kind, amount_cents FROM payment_transactions "
                "ORDER BY payment_id")).all()
            assert [tuple(r) for r in ledger] == [("p1", "captured", 500),
                                                  ("p2", "captured", 500)]
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), Base.metadata)
        ours = [d for d in diff if _tables_of([d]) & MINE]
        # payments.amount_cents stayed INTEGER on SQLite (64-bit there) since 0004
        ours = [d for d in ours if not (isinstance(d, list) and d[0][0] == "modify_type"
                                        and d[0][3] == "amount_cents")]
        assert ours == []
        for bad in ("UPDATE payments SET refunded_cents = 501 WHERE id = 'p1'",
                    "UPDATE payments SET refunded_cents = -1 WHERE id = 'p1'",
                    "UPDATE payments SET captured_cents = 0, refunded_cents = 1 WHERE id = 'p2'"):
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(text(bad))
        with engine.begin() as conn:
            conn.execute(text("UPDATE payments SET refunded_cents = 500 WHERE id = 'p1'"))
    finally:
        engine.dispose()
