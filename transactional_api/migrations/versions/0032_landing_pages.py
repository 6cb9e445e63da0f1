"""landing pages and resource-slot creatives (issue 14)

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_STATUS = "status IN ('draft', 'published', 'archived')"
_SCHEDULE = "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at"


def upgrade() -> None:
    op.create_table(
        "landing_pages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("slug", sa.String(80), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("starts_at", _TS),
        sa.Column("ends_at", _TS),
        sa.Column("audience_id", sa.String(36)),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint(_STATUS, name="ck_landing_pages_status"),
        sa.CheckConstraint(_SCHEDULE, name="ck_landing_pages_schedule"),
        sa.CheckConstraint("version >= 1", name="ck_landing_pages_version"),
    )
    op.create_index("ix_landing_pages_status", "landing_pages", ["status"])
    op.create_table(
        "landing_slot_creatives",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("slot", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("image_url", sa.String(500), nullable=False),
        sa.Column("target_url", sa.String(500)),
        sa.Column("target_page_slug", sa.String(80)),
        sa.Column("category_id", sa.String(36)),
        sa.Column("audience_id", sa.String(36)),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("starts_at", _TS),
        sa.Column("ends_at", _TS),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint(_STATUS, name="ck_landing_slot_creatives_status"),
        sa.CheckConstraint("slot IN ('home_banner', 'popup', 'category_banner')",
                           name="ck_landing_slot_creatives_slot"),
        sa.CheckConstraint(_SCHEDULE, name="ck_landing_slot_creatives_schedule"),
        sa.CheckConstraint("(target_url IS NULL) <> (target_page_slug IS NULL)",
                           name="ck_landing_slot_creatives_target"),
        sa.CheckConstraint("category_id IS NULL OR slot = 'category_banner'",
                           name="ck_landing_slot_creatives_category"),
        sa.CheckConstraint("version >= 1", name="ck_landing_slot_creatives_version"),
    )
    op.create_index("ix_landing_slot_creatives_slot_status", "landing_slot_creatives",
                    ["slot", "status"])


def downgrade() -> None:
    op.drop_index("ix_landing_slot_creatives_slot_status", "landing_slot_creatives")
    op.drop_table("landing_slot_creatives")
    op.drop_index("ix_landing_pages_status", "landing_pages")
    op.drop_table("landing_pages")
