"""Credit lines, installment plans, bills and repayments

Revision ID: 0038
Revises: 0037
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.String(36), primary_key=True)


def _serial() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)


def _money(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.BigInteger(), nullable=False) for n in names]


def upgrade() -> None:
    op.create_table(
        "credit_applications", _id(),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("reason_code", sa.String(40)),
        *_money("limit_cents"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("score", sa.Integer()),
        sa.Column("model", sa.String(40), nullable=False),
        sa.Column("income_band", sa.String(20), nullable=False),
        sa.Column("employment_status", sa.String(20), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("decision IN ('approved', 'declined')",
                           name="ck_credit_applications_decision"),
        sa.CheckConstraint("limit_cents >= 0", name="ck_credit_applications_limit"),
    )
    op.create_index("ix_credit_applications_user", "credit_applications",
                    ["user_id", "created_at"])
    op.create_table(
        "credit_lines", _id(),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("credit_applications.id"),
                  nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        *_money("limit_cents", "used_cents"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("user_id", name="uq_credit_lines_user"),
        sa.CheckConstraint("status IN ('active', 'overdue', 'closed')",
                           name="ck_credit_lines_status"),
        sa.CheckConstraint("limit_cents >= 0 AND used_cents >= 0 AND "
                           "used_cents <= limit_cents", name="ck_credit_lines_used"),
    )
    op.create_table(
        "credit_limit_entries", _serial(),
        sa.Column("line_id", sa.String(36), sa.ForeignKey("credit_lines.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        *_money("amount_cents", "used_after_cents"),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("plan_id", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("kind IN ('use', 'restore', 'adjust')",
                           name="ck_credit_limit_entries_kind"),
        sa.CheckConstraint("(kind = 'use' AND amount_cents > 0) OR (kind = 'restore' AND "
                           "amount_cents < 0) OR kind = 'adjust'",
                           name="ck_credit_limit_entries_sign"),
        sa.CheckConstraint("used_after_cents >= 0", name="ck_credit_limit_entries_after"),
    )
    op.create_index("ix_credit_limit_entries_line", "credit_limit_entries", ["line_id", "id"])
    op.create_table(
        "credit_plans", _id(),
        sa.Column("line_id", sa.String(36), sa.ForeignKey("credit_lines.id"), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("interest_bps", sa.Integer(), nullable=False),
        *_money("principal_cents", "interest_cents", "fee_cents",
                "principal_outstanding_cents", "refunded_cents"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("funder", sa.String(40)),
        sa.Column("funder_reference", sa.String(80)),
        sa.Column("assigned_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("payment_id", name="uq_credit_plans_payment"),
        sa.CheckConstraint("status IN ('active', 'settled', 'refunded')",
                           name="ck_credit_plans_status"),
        sa.CheckConstraint("principal_cents > 0 AND interest_cents >= 0 AND fee_cents >= 0 AND "
                           "principal_outstanding_cents >= 0 AND principal_outstanding_cents "
                           "<= principal_cents AND refunded_cents >= 0 AND refunded_cents <= "
                           "principal_cents", name="ck_credit_plans_amounts"),
        sa.CheckConstraint("term_months >= 1", name="ck_credit_plans_term"),
    )
    op.create_index("ix_credit_plans_line", "credit_plans", ["line_id", "status"])
    op.create_index("ix_credit_plans_order", "credit_plans", ["order_id"])
    op.create_table(
        "credit_installments", _id(),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("credit_plans.id"), nullable=False),
        sa.Column("line_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        *_money("principal_cents", "interest_cents", "fee_cents", "late_fee_cents",
                "paid_principal_cents", "paid_interest_cents", "paid_fee_cents",
                "paid_late_fee_cents", "waived_cents", "cancelled_cents"),
        sa.Column("late_fee_periods", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(9), nullable=False),
        sa.Column("billed_at", _TS),
        sa.Column("paid_at", _TS),
        sa.UniqueConstraint("plan_id", "seq", name="uq_credit_installments_seq"),
        sa.CheckConstraint("status IN ('scheduled', 'billed', 'paid', 'cancelled')",
                           name="ck_credit_installments_status"),
        sa.CheckConstraint("principal_cents >= 0 AND interest_cents >= 0 AND fee_cents >= 0 "
                           "AND late_fee_cents >= 0 AND paid_principal_cents >= 0 AND "
                           "paid_interest_cents >= 0 AND paid_fee_cents >= 0 AND "
                           "paid_late_fee_cents >= 0 AND waived_cents >= 0 AND "
                           "cancelled_cents >= 0", name="ck_credit_installments_amounts"),
        sa.CheckConstraint("principal_cents + interest_cents + fee_cents + late_fee_cents - "
                           "paid_principal_cents - paid_interest_cents - paid_fee_cents - "
                           "paid_late_fee_cents - waived_cents - cancelled_cents >= 0",
                           name="ck_credit_installments_outstanding"),
    )
    op.create_index("ix_credit_installments_due", "credit_installments",
                    ["status", "due_date"])
    op.create_index("ix_credit_installments_line", "credit_installments",
                    ["line_id", "status"])
    op.create_table(
        "credit_bill_entries", _serial(),
        sa.Column("bill_id", sa.String(36), sa.ForeignKey("credit_installments.id"),
                  nullable=False),
        sa.Column("kind", sa.String(9), nullable=False),
        *_money("amount_cents"),
        sa.Column("repayment_id", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("kind IN ('charge', 'late_fee', 'repayment', 'waiver', 'cancel')",
                           name="ck_credit_bill_entries_kind"),
        sa.CheckConstraint("(kind IN ('charge', 'late_fee') AND amount_cents > 0) OR "
                           "(kind IN ('repayment', 'waiver', 'cancel') AND amount_cents < 0)",
                           name="ck_credit_bill_entries_sign"),
    )
    op.create_index("ix_credit_bill_entries_bill", "credit_bill_entries", ["bill_id"])
    op.create_table(
        "credit_repayments", _id(),
        sa.Column("line_id", sa.String(36), sa.ForeignKey("credit_lines.id"), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        *_money("amount_cents", "returned_cents"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(80)),
        sa.Column("idempotency_key", sa.String(128)),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_credit_repayments_idem"),
        sa.CheckConstraint("amount_cents > 0 AND returned_cents >= 0 AND "
                           "returned_cents <= amount_cents",
                           name="ck_credit_repayments_amounts"),
        sa.CheckConstraint("channel IN ('sandbox')",
                           name="ck_credit_repayments_channel"),
    )
    op.create_index("ix_credit_repayments_line", "credit_repayments", ["line_id", "created_at"])
    op.create_table(
        "credit_plan_refunds", _id(),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("credit_plans.id"), nullable=False),
        sa.Column("refund_id", sa.String(36), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        *_money("amount_cents", "overpayment_cents", "limit_restored_cents"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("refund_id", "payment_id", name="uq_credit_plan_refunds_refund"),
        sa.CheckConstraint("amount_cents > 0 AND overpayment_cents >= 0 AND "
                           "limit_restored_cents >= 0", name="ck_credit_plan_refunds_amounts"),
    )
    op.create_table(
        "credit_returns", _id(),
        sa.Column("repayment_id", sa.String(36), sa.ForeignKey("credit_repayments.id"),
                  nullable=False),
        sa.Column("plan_refund_id", sa.String(36), sa.ForeignKey("credit_plan_refunds.id"),
                  nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        *_money("amount_cents"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(80)),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("amount_cents > 0", name="ck_credit_returns_amount"),
    )
    op.create_index("ix_credit_returns_repayment", "credit_returns", ["repayment_id"])


def downgrade() -> None:
    for table in ("credit_returns", "credit_plan_refunds", "credit_repayments",
                  "credit_bill_entries", "credit_installments", "credit_plans",
                  "credit_limit_entries", "credit_lines", "credit_applications"):
        op.drop_table(table)
