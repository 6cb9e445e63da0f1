"""recommendations: operator rules (pins, boosts, category diversity) (issue 13)

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reco_rules",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("placement", sa.String(20)),
        sa.Column("product_id", sa.String(36)),
        sa.Column("category_id", sa.String(36)),
        sa.Column("position", sa.Integer()),
        sa.Column("multiplier", sa.Float()),
        sa.Column("max_per_category", sa.Integer()),
        sa.Column("top_k", sa.Integer()),
        sa.Column("starts_at", _TS),
        sa.Column("ends_at", _TS),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("kind IN ('pin', 'boost', 'diversity')", name="ck_reco_rules_kind"),
        sa.CheckConstraint("position IS NULL OR position >= 1",
                           name="ck_reco_rules_position"),
        sa.CheckConstraint("multiplier IS NULL OR multiplier >= 0",
                           name="ck_reco_rules_multiplier"),
    )
    op.create_index("ix_reco_rules_kind", "reco_rules", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_reco_rules_kind", "reco_rules")
    op.drop_table("reco_rules")
