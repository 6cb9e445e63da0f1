"""tags: tag definitions with a lifecycle, manual user tags, saved audiences; the automatic
tags the warehouse computes are defined (and active) from the start

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)

# The tags marts/tags/fct_user_auto_tags computes (definitions in its YAML).
AUTOMATIC = {
    "high_potential": "RFM segment potential_loyalist or promising",
    "dormant_90d": "paid before, but no paid order in the 90 days before the warehouse's "
                   "latest day",
    "price_sensitive": "more than half of the units bought carried a discount",
    "frequent_returner": "returns on at least 2 orders and at least 30% of paid orders",
    "rfm_segment": "the RFM segment (value: champions, loyal, ...)",
    "member_level": "the member level (value: regular, silver, ...)",
}


def upgrade() -> None:
    definitions = op.create_table(
        "tag_definitions",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("activated_at", _TS),
        sa.Column("retired_at", _TS),
        sa.CheckConstraint("status IN ('created', 'active', 'retired')",
                           name="ck_tag_definitions_status"),
        sa.CheckConstraint("kind IN ('manual', 'automatic')", name="ck_tag_definitions_kind"),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "user_tags",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("tag", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("assigned_by", sa.String(36)),
        sa.Column("assigned_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["tag"], ["tag_definitions.name"]),
        sa.PrimaryKeyConstraint("user_id", "tag"),
    )
    op.create_index("ix_user_tags_tag", "user_tags", ["tag", "user_id"])
    op.create_table(
        "audiences",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(definitions, [
        {"name": name, "kind": "automatic", "status": "active", "description": text,
         "created_by": None, "created_at": now, "activated_at": now, "retired_at": None}
        for name, text in AUTOMATIC.items()])


def downgrade() -> None:
    op.drop_table("audiences")
    op.drop_index("ix_user_tags_tag", table_name="user_tags")
    op.drop_table("user_tags")
    op.drop_table("tag_definitions")
