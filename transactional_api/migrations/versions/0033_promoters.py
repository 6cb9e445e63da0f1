"""Distribution: promoters, bindings, commission rules, commissions, their ledger,
withdrawals and the consumer's cursor

Revision ID: 0033
Revises: 0032
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "promoters",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False,
                  unique=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("code", sa.String(16), unique=True),
        sa.Column("parent_id", sa.String(36), sa.ForeignKey("promoters.id")),
        sa.Column("device_fp", sa.String(32)),
        sa.Column("pitch", sa.String(500), nullable=False),
        sa.Column("decision_reason", sa.String(200)),
        sa.Column("decided_by", sa.String(36)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("pending_cents", sa.BigInteger(), nullable=False),
        sa.Column("held_cents", sa.BigInteger(), nullable=False),
        sa.Column("withdrawable_cents", sa.BigInteger(), nullable=False),
        sa.Column("requested_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("applied_at", _TS, nullable=False),
        sa.Column("decided_at", _TS),
        sa.CheckConstraint("status IN ('applied', 'approved', 'rejected')",
                           name="ck_promoters_status"),
        sa.CheckConstraint("status <> 'approved' OR code IS NOT NULL",
                           name="ck_promoters_code"),
        sa.CheckConstraint("pending_cents >= 0 AND held_cents >= 0 AND requested_cents >= 0 "
                           "AND paid_cents >= 0", name="ck_promoters_balances"),
    )
    op.create_index("ix_promoters_parent", "promoters", ["parent_id"])
    op.create_index("ix_promoters_status", "promoters", ["status", "applied_at"])
    op.create_table(
        "promoter_bindings",
        sa.Column("buyer_id", sa.String(36), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("promoter_id", sa.String(36), sa.ForeignKey("promoters.id"), nullable=False),
        sa.Column("bound_at", _TS, nullable=False),
        sa.Column("first_bound_at", _TS, nullable=False),
        sa.Column("risk_reason", sa.String(32)),
        sa.Column("device_fp", sa.String(32)),
    )
    op.create_index("ix_promoter_bindings_promoter", "promoter_bindings",
                    ["promoter_id", "bound_at"])
    op.create_table(
        "promoter_commission_rules",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("scope_kind", sa.String(8), nullable=False),
        sa.Column("scope_id", sa.String(36), nullable=False),
        sa.Column("level1_bp", sa.Integer(), nullable=False),
        sa.Column("level2_bp", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("scope_kind", "scope_id", name="uq_promoter_rules_scope"),
        sa.CheckConstraint("scope_kind IN ('product', 'category', 'merchant')",
                           name="ck_promoter_rules_scope"),
        sa.CheckConstraint("level1_bp >= 0 AND level1_bp <= 5000 AND level2_bp >= 0 "
                           "AND level2_bp <= 5000", name="ck_promoter_rules_rates"),
    )
    op.create_table(
        "promoter_commissions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("promoter_id", sa.String(36), sa.ForeignKey("promoters.id"), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("buyer_id", sa.String(36), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("hold_reason", sa.String(32)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("base_cents", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), nullable=False),
        sa.Column("reversed_cents", sa.BigInteger(), nullable=False),
        sa.Column("accrued_at", _TS, nullable=False),
        sa.Column("matures_at", _TS),
        sa.Column("matured_at", _TS),
        sa.UniqueConstraint("order_id", "level", name="uq_promoter_commissions_order_level"),
        sa.CheckConstraint("level IN (1, 2)", name="ck_promoter_commissions_level"),
        sa.CheckConstraint("state IN ('pending', 'held', 'withdrawable', 'reversed')",
                           name="ck_promoter_commissions_state"),
        sa.CheckConstraint("amount_cents >= 0 AND reversed_cents >= 0 AND "
                           "reversed_cents <= amount_cents",
                           name="ck_promoter_commissions_amounts"),
        sa.CheckConstraint("refunded_cents >= 0 AND refunded_cents <= paid_cents",
                           name="ck_promoter_commissions_refunded"),
    )
    op.create_index("ix_promoter_commissions_order_id", "promoter_commissions", ["order_id"])
    op.create_index("ix_promoter_commissions_promoter", "promoter_commissions",
                    ["promoter_id", "state"])
    op.create_index("ix_promoter_commissions_due", "promoter_commissions",
                    ["state", "matures_at"])
    op.create_table(
        "promoter_ledger_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("promoter_id", sa.String(36), sa.ForeignKey("promoters.id"), nullable=False),
        sa.Column("source_key", sa.String(120), nullable=False, unique=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("from_bucket", sa.String(12)),
        sa.Column("to_bucket", sa.String(12)),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("commission_id", sa.String(36)),
        sa.Column("withdrawal_id", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("amount_cents > 0", name="ck_promoter_ledger_amount"),
        sa.CheckConstraint("from_bucket IS NOT NULL OR to_bucket IS NOT NULL",
                           name="ck_promoter_ledger_move"),
        sa.CheckConstraint("kind IN ('accrue', 'hold', 'release', 'reverse', 'mature', "
                           "'request', 'reject', 'pay')", name="ck_promoter_ledger_kind"),
    )
    op.create_index("ix_promoter_ledger_promoter", "promoter_ledger_entries",
                    ["promoter_id", "id"])
    op.create_table(
        "promoter_withdrawals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("promoter_id", sa.String(36), sa.ForeignKey("promoters.id"), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(9), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("reviewed_by", sa.String(36)),
        sa.Column("payout_reference", sa.String(100)),
        sa.Column("requested_at", _TS, nullable=False),
        sa.Column("reviewed_at", _TS),
        sa.Column("paid_at", _TS),
        sa.CheckConstraint("status IN ('requested', 'approved', 'rejected', 'paid')",
                           name="ck_promoter_withdrawals_status"),
        sa.CheckConstraint("amount_cents > 0", name="ck_promoter_withdrawals_amount"),
        sa.CheckConstraint("channel IN ('manual')", name="ck_promoter_withdrawals_channel"),
        sa.CheckConstraint("status <> 'paid' OR payout_reference IS NOT NULL",
                           name="ck_promoter_withdrawals_paid"),
    )
    op.create_index("ix_promoter_withdrawals_status", "promoter_withdrawals",
                    ["status", "requested_at"])
    op.create_index("ix_promoter_withdrawals_promoter", "promoter_withdrawals",
                    ["promoter_id", "requested_at"])
    op.create_table(
        "promoter_consumed_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("applied_at", _TS, nullable=False),
    )
    op.create_table(
        "promoter_cursors",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("promoter_cursors", "promoter_consumed_events", "promoter_withdrawals",
                  "promoter_ledger_entries", "promoter_commissions", "promoter_commission_rules",
                  "promoter_bindings", "promoters"):
        op.drop_table(table)
