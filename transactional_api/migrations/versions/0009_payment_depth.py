"""payment channels, transaction ledger, refunds, wallets, reconciliation

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_REFUND_RULE = "refunded_cents >= 0 AND refunded_cents <= captured_cents"
# SQLite can only add columns in place: a CHECK would rebuild payments, and dropping a
# referenced table full of rows breaks its foreign keys (PRAGMA foreign_keys cannot be
# switched off inside the migration's transaction). Triggers enforce the same rule there.
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER ck_payments_refunds_within_capture_{when} BEFORE {when.upper()} "
    "ON payments WHEN NEW.refunded_cents < 0 OR NEW.refunded_cents > NEW.captured_cents "
    "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ck_payments_refunds_within_capture'); "
    "END"
    for when in ("insert", "update")
]


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    with op.batch_alter_table("payments") as b:
        b.add_column(sa.Column("captured_cents", sa.BigInteger(), nullable=False,
                               server_default="0"))
        b.add_column(sa.Column("refunded_cents", sa.BigInteger(), nullable=False,
                               server_default="0"))
        b.add_column(sa.Column("card_token", sa.String(64), nullable=True))
        b.add_column(sa.Column("card_last4", sa.String(4), nullable=True))
        b.add_column(sa.Column("provider_reference", sa.String(64), nullable=True))
        b.add_column(sa.Column("next_action", sa.JSON(), nullable=True))
        b.add_column(sa.Column("refund_due_at", _TS, nullable=True))
    # Payments captured before this revision hold their whole amount.
    bind.execute(sa.text("UPDATE payments SET captured_cents = amount_cents "
                         "WHERE status IN ('succeeded', 'refund_due')"))
    if pg:
        op.create_check_constraint("ck_payments_refunds_within_capture", "payments",
                                   _REFUND_RULE)
    else:
        for ddl in _SQLITE_TRIGGERS:
            bind.execute(sa.text(ddl))

    op.create_table(
        "payment_transactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("provider_reference", sa.String(128), nullable=True),
        sa.Column("refund_id", sa.String(36), nullable=True),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.CheckConstraint("kind IN ('authorized', 'captured', 'refunded', 'failed')",
                           name="ck_payment_transactions_kind"),
        sa.CheckConstraint("amount_cents >= 0", name="ck_payment_transactions_amount_nonneg"),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_id", "kind", "provider_reference",
                            name="uq_payment_transactions_ref"),
    )
    for col in ("payment_id", "refund_id", "occurred_at"):
        op.create_index(f"ix_payment_transactions_{col}", "payment_transactions", [col])
    # The ledger of payments captured before this revision: one captured row each.
    bind.execute(sa.text(
        "INSERT INTO payment_transactions (payment_id, kind, amount_cents, currency, "
        "provider_reference, occurred_at, recorded_at) SELECT id, 'captured', amount_cents, "
        "currency, NULL, COALESCE(captured_at, updated_at), updated_at FROM payments "
        "WHERE status IN ('succeeded', 'refund_due')"))

    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("amount_cents > 0", name="ck_payment_refunds_amount_pos"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "reference", name="uq_payment_refunds_reference"),
    )
    op.create_index("ix_payment_refunds_order_id", "payment_refunds", ["order_id"])

    op.create_table(
        "wallet_accounts",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("balance_cents >= 0", name="ck_wallet_balance_nonneg"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "wallet_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("balance_after_cents", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=True),
        sa.Column("refund_id", sa.String(36), nullable=True),
        sa.Column("reference", sa.String(128), nullable=True),
        sa.Column("actor_id", sa.String(36), nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("kind IN ('credit', 'debit')", name="ck_wallet_entries_kind"),
        sa.CheckConstraint("amount_cents > 0", name="ck_wallet_entries_amount_pos"),
        sa.CheckConstraint("balance_after_cents >= 0", name="ck_wallet_entries_balance_nonneg"),
        sa.ForeignKeyConstraint(["user_id"], ["wallet_accounts.user_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "reference", name="uq_wallet_entries_reference"),
    )
    for col in ("user_id", "payment_id", "created_at"):
        op.create_index(f"ix_wallet_entries_{col}", "wallet_entries", [col])

    op.create_table(
        "payment_reconciliation_runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ran_at", _TS, nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day"),
    )
    op.create_table(
        "payment_reconciliation_mismatches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("transaction_kind", sa.String(16), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=True),
        sa.Column("provider_reference", sa.String(128), nullable=False),
        sa.Column("ledger_amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("statement_amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("detected_at", _TS, nullable=False),
        sa.CheckConstraint("kind IN ('missing_in_statement', 'missing_in_ledger', "
                           "'amount_differs')", name="ck_reconciliation_mismatch_kind"),
        sa.ForeignKeyConstraint(["run_id"], ["payment_reconciliation_runs.id"],
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    for col in ("run_id", "day"):
        op.create_index(f"ix_payment_reconciliation_mismatches_{col}",
                        "payment_reconciliation_mismatches", [col])
    _sandbox_tables()


def _sandbox_tables() -> None:
    op.create_table(
        "sandbox_card_sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("card_token", sa.String(64), nullable=True),
        sa.Column("card_last4", sa.String(4), nullable=True),
        sa.Column("failure_reason", sa.String(64), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_id"),
    )
    op.create_table(
        "sandbox_bank_transfers",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pay_by", _TS, nullable=False),
        sa.Column("confirms_at", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_table(
        "sandbox_provider_callbacks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("provider_event_id", sa.String(128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS, nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("claimed_until", _TS, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_event_id"),
    )
    for col in ("payment_id", "due_at", "delivered_at"):
        op.create_index(f"ix_sandbox_provider_callbacks_{col}", "sandbox_provider_callbacks",
                        [col])
    op.create_table(
        "sandbox_ledger_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("provider_reference", sa.String(128), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_reference"),
    )
    op.create_index("ix_sandbox_ledger_entries_payment_id", "sandbox_ledger_entries",
                    ["payment_id"])
    op.create_index("ix_sandbox_ledger_channel_time", "sandbox_ledger_entries",
                    ["channel", "occurred_at"])
    op.create_table(
        "sandbox_statement_faults",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("provider_reference", sa.String(128), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sandbox_faults_channel_day", "sandbox_statement_faults",
                    ["channel", "day"])


def downgrade() -> None:
    for table in ("sandbox_statement_faults", "sandbox_ledger_entries",
                  "sandbox_provider_callbacks", "sandbox_bank_transfers",
                  "sandbox_card_sessions", "payment_reconciliation_mismatches",
                  "payment_reconciliation_runs", "wallet_entries", "wallet_accounts",
                  "payment_refunds", "payment_transactions"):
        op.drop_table(table)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint("ck_payments_refunds_within_capture", "payments", type_="check")
    else:
        for when in ("insert", "update"):
            bind.execute(sa.text(
                f"DROP TRIGGER IF EXISTS ck_payments_refunds_within_capture_{when}"))
    with op.batch_alter_table("payments") as b:
        for col in ("refund_due_at", "next_action", "provider_reference", "card_last4",
                    "card_token", "refunded_cents", "captured_cents"):
            b.drop_column(col)
