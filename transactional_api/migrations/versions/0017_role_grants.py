"""roles and permissions: role grants (operator roles, merchant staff bound to a merchant)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "role_grants",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("merchant_id", sa.String(36)),
        sa.Column("granted_by", sa.String(36)),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.CheckConstraint("(role = 'merchant_staff') = (merchant_id IS NOT NULL)",
                           name="ck_role_grants_merchant_scope"),
    )
    op.create_index("ix_role_grants_merchant_id", "role_grants", ["merchant_id"])


def downgrade() -> None:
    op.drop_index("ix_role_grants_merchant_id", table_name="role_grants")
    op.drop_table("role_grants")
