"""Automated reach: campaigns, their messages (once per campaign, user and trigger key),
audience entries and the outbox consumer's cursor

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reach_campaigns",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("trigger_kind", sa.String(16), nullable=False),
        sa.Column("trigger", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("template", sa.String(400), nullable=False),
        sa.Column("cap_per_day", sa.Integer()),
        sa.Column("cap_per_week", sa.Integer()),
        sa.Column("quiet_start_hour", sa.Integer()),
        sa.Column("quiet_end_hour", sa.Integer()),
        sa.Column("offer_code", sa.String(40)),
        sa.Column("offer_valid_hours", sa.Integer()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("activated_at", _TS),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("status IN ('draft', 'active', 'paused', 'archived')",
                           name="ck_reach_campaigns_status"),
        sa.CheckConstraint("trigger_kind IN ('event', 'abandoned_cart', 'audience')",
                           name="ck_reach_campaigns_trigger"),
        sa.CheckConstraint("channel IN ('email', 'sms', 'inbox')",
                           name="ck_reach_campaigns_channel"),
    )
    op.create_index("ix_reach_campaigns_status_trigger", "reach_campaigns",
                    ["status", "trigger_kind"])
    op.create_table(
        "reach_messages",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("campaign_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("trigger_kind", sa.String(16), nullable=False),
        sa.Column("trigger_key", sa.String(120), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("body", sa.String(500), nullable=False),
        sa.Column("offer_code", sa.String(40)),
        sa.Column("offer_expires_at", _TS),
        sa.Column("triggered_at", _TS, nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("sent_at", _TS),
        sa.Column("opened_at", _TS),
        sa.Column("clicked_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["campaign_id"], ["reach_campaigns.id"]),
        sa.UniqueConstraint("campaign_id", "user_id", "trigger_key",
                            name="uq_reach_messages_once"),
        sa.CheckConstraint("status IN ('scheduled', 'sent', 'capped', 'undeliverable')",
                           name="ck_reach_messages_status"),
    )
    op.create_index("ix_reach_messages_user_id", "reach_messages", ["user_id"])
    op.create_index("ix_reach_messages_user_channel_sent", "reach_messages",
                    ["user_id", "channel", "sent_at"])
    op.create_index("ix_reach_messages_due", "reach_messages", ["status", "due_at"])
    op.create_table(
        "reach_audience_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("entered_at", _TS, nullable=False),
        sa.Column("left_at", _TS),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["campaign_id"], ["reach_campaigns.id"]),
        sa.UniqueConstraint("campaign_id", "user_id", "period", name="uq_reach_audience_entry"),
    )
    op.create_index("ix_reach_audience_entries_open", "reach_audience_entries",
                    ["campaign_id", "left_at"])
    op.create_table(
        "reach_cursors",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("reach_cursors")
    op.drop_index("ix_reach_audience_entries_open", table_name="reach_audience_entries")
    op.drop_table("reach_audience_entries")
    for index in ("ix_reach_messages_due", "ix_reach_messages_user_channel_sent",
                  "ix_reach_messages_user_id"):
        op.drop_index(index, table_name="reach_messages")
    op.drop_table("reach_messages")
    op.drop_index("ix_reach_campaigns_status_trigger", table_name="reach_campaigns")
    op.drop_table("reach_campaigns")
