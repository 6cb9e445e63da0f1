"""Merchant onboarding: applications, reviews, deposits, staff roles, lifecycle

Revision ID: 0034
Revises: 0033
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "merchant_applications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("company_name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("legal_id", sa.String(64), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column("contact_phone", sa.String(40)),
        sa.Column("region", sa.String(16)),
        sa.Column("city", sa.String(120)),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        sa.Column("account_holder", sa.String(200), nullable=False),
        sa.Column("account_masked", sa.String(40), nullable=False),
        sa.Column("settlement_cycle", sa.String(12), nullable=False),
        sa.Column("review_reason", sa.String(500)),
        sa.Column("reviewed_by", sa.String(36)),
        sa.Column("reviewed_at", _TS),
        sa.Column("merchant_id", sa.String(36), sa.ForeignKey("merchants.id")),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("status IN ('submitted', 'info_requested', 'approved', 'rejected')",
                           name="ck_merchant_applications_status"),
        sa.CheckConstraint("settlement_cycle IN ('t_plus_1', 'weekly', 'monthly')",
                           name="ck_merchant_applications_cycle"),
    )
    op.create_index("ix_merchant_applications_user_id", "merchant_applications", ["user_id"])
    op.create_index("ix_merchant_applications_status", "merchant_applications", ["status"])
    op.create_index("ix_merchant_applications_merchant_id", "merchant_applications",
                    ["merchant_id"])
    op.create_table(
        "merchant_lifecycle_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("merchant_id", sa.String(36), sa.ForeignKey("merchants.id"), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(500)),
        sa.Column("actor_id", sa.String(36)),
        sa.Column("at", _TS, nullable=False),
    )
    op.create_index("ix_merchant_lifecycle_events_merchant_id", "merchant_lifecycle_events",
                    ["merchant_id"])
    op.create_table(
        "merchant_deposits",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("merchant_id", sa.String(36), sa.ForeignKey("merchants.id"), nullable=False,
                  unique=True),
        sa.Column("client_key", sa.String(100), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("paid_by", sa.String(36), nullable=False),
        sa.Column("paid_at", _TS, nullable=False),
        sa.CheckConstraint("amount_cents >= 0", name="ck_merchant_deposits_amount"),
    )
    op.create_table(
        "merchant_staff_roles",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("merchant_id", sa.String(36), sa.ForeignKey("merchants.id"), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("granted_by", sa.String(36)),
        sa.Column("granted_at", _TS, nullable=False),
        sa.CheckConstraint("role IN ('owner', 'catalog', 'orders', 'finance')",
                           name="ck_merchant_staff_roles_role"),
    )
    op.create_index("ix_merchant_staff_roles_merchant_id", "merchant_staff_roles",
                    ["merchant_id"])


def downgrade() -> None:
    op.drop_table("merchant_staff_roles")
    op.drop_table("merchant_deposits")
    op.drop_table("merchant_lifecycle_events")
    op.drop_table("merchant_applications")
