"""Campaign costs entered by operators (issue 9, marketing effect).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "campaign_costs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("campaign", sa.String(100), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("medium", sa.String(100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.String(36)),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign", "source", "medium", "day", name="uq_campaign_costs_key"),
        sa.CheckConstraint("amount_cents >= 0", name="ck_campaign_costs_amount_nonneg"),
        sa.CheckConstraint("revision >= 1", name="ck_campaign_costs_revision_pos"),
    )
    op.create_index("ix_campaign_costs_day", "campaign_costs", ["day"])


def downgrade() -> None:
    op.drop_index("ix_campaign_costs_day", table_name="campaign_costs")
    op.drop_table("campaign_costs")
