"""Marketplace settlement: commission rates, the settlement ledger, statements, payouts

Revision ID: 0035
Revises: 0034
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_C = sa.BigInteger()


def upgrade() -> None:
    op.create_table(
        "settlement_commission_rates",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("scope_key", sa.String(80), nullable=False, unique=True),
        sa.Column("merchant_id", sa.String(36)),
        sa.Column("category_id", sa.String(36)),
        sa.Column("rate_bps", sa.Integer(), nullable=False),
        sa.Column("fee_fixed_cents", _C, nullable=False),
        sa.Column("fee_bps", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("rate_bps >= 0 AND rate_bps <= 10000 AND fee_bps >= 0 "
                           "AND fee_bps <= 10000 AND fee_fixed_cents >= 0",
                           name="ck_settlement_commission_rates_range"),
    )
    op.create_table(
        "settlement_merchant_terms",
        sa.Column("merchant_id", sa.String(36), primary_key=True),
        sa.Column("cycle", sa.String(16), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("cycle IN ('t_plus_1', 'weekly', 'monthly')",
                           name="ck_settlement_merchant_terms_cycle"),
    )
    op.create_table(
        "settlement_sub_orders",
        sa.Column("sub_order_id", sa.String(36), primary_key=True),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        *[sa.Column(name, _C, nullable=False) for name in (
            "total_cents", "gross_cents", "merchant_discount_cents", "platform_discount_cents",
            "commission_cents", "fee_cents", "net_cents", "refunded_cents",
            "goods_reversed_cents", "commission_reversed_cents", "fee_reversed_cents")],
        sa.Column("completed_at", _TS),
        sa.Column("statement_id", sa.String(36)),
        sa.Column("accrued_at", _TS, nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_settlement_sub_orders_due", "settlement_sub_orders",
                    ["merchant_id", "completed_at"])
    op.create_index("ix_settlement_sub_orders_order", "settlement_sub_orders", ["order_id"])
    op.create_index("ix_settlement_sub_orders_batch_id", "settlement_sub_orders", ["batch_id"])
    op.create_table(
        "settlement_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("account", sa.String(24), nullable=False),
        sa.Column("merchant_id", sa.String(36)),
        sa.Column("sub_order_id", sa.String(36)),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("amount_cents", _C, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("statement_id", sa.String(36)),
        sa.Column("source_key", sa.String(120)),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("source_key", "account", "kind",
                            name="uq_settlement_entries_source"),
    )
    op.create_index("ix_settlement_entries_account", "settlement_entries",
                    ["account", "merchant_id", "statement_id"])
    op.create_index("ix_settlement_entries_statement", "settlement_entries", ["statement_id"])
    op.create_table(
        "settlement_statements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("cycle", sa.String(16), nullable=False),
        sa.Column("period_key", sa.String(24), nullable=False),
        sa.Column("period_end", _TS, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("sub_order_count", sa.Integer(), nullable=False),
        *[sa.Column(name, _C, nullable=False) for name in (
            "gross_cents", "commission_cents", "fee_cents", "merchant_discount_cents",
            "refunds_cents", "adjustments_cents", "opening_cents", "deposit_deducted_cents",
            "net_payable_cents")],
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("merchant_id", "period_key", "currency",
                            name="uq_settlement_statements_period"),
    )
    op.create_index("ix_settlement_statements_merchant_id", "settlement_statements",
                    ["merchant_id"])
    op.create_table(
        "settlement_payouts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("statement_id", sa.String(36), nullable=False, unique=True),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("amount_cents", _C, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(80), nullable=False, unique=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("channel_reference", sa.String(80)),
        sa.Column("last_error", sa.String(200)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS),
        sa.CheckConstraint("amount_cents > 0", name="ck_settlement_payouts_amount_pos"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')",
                           name="ck_settlement_payouts_status"),
    )
    op.create_index("ix_settlement_payouts_merchant_id", "settlement_payouts", ["merchant_id"])
    op.create_table(
        "settlement_sandbox_payouts",
        sa.Column("idempotency_key", sa.String(80), primary_key=True),
        sa.Column("merchant_id", sa.String(36), nullable=False),
        sa.Column("amount_cents", _C, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("settlement_sandbox_payouts", "settlement_payouts", "settlement_statements",
                  "settlement_entries", "settlement_sub_orders", "settlement_merchant_terms",
                  "settlement_commission_rates"):
        op.drop_table(table)
