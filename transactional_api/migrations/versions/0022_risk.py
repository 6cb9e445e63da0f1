"""Risk control: decisions and the review queue of held orders

Revision ID: 0022
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "risk_decisions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.String(36)),
        sa.Column("order_id", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("outcome IN ('allow', 'challenge', 'block')",
                           name="ck_risk_decisions_outcome"),
        sa.CheckConstraint("score BETWEEN 0 AND 100", name="ck_risk_decisions_score"),
    )
    op.create_index("ix_risk_decisions_created", "risk_decisions", ["created_at"])
    op.create_index("ix_risk_decisions_user_id", "risk_decisions", ["user_id"])
    op.create_table(
        "risk_reviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("decided_at", _TS),
        sa.Column("decided_by", sa.String(36)),
        sa.Column("note", sa.String(500)),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id"),
        sa.CheckConstraint("status IN ('open', 'approved', 'rejected')",
                           name="ck_risk_reviews_status"),
    )
    op.create_index("ix_risk_reviews_status_created", "risk_reviews", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_risk_reviews_status_created", table_name="risk_reviews")
    op.drop_table("risk_reviews")
    op.drop_index("ix_risk_decisions_user_id", table_name="risk_decisions")
    op.drop_index("ix_risk_decisions_created", table_name="risk_decisions")
    op.drop_table("risk_decisions")
