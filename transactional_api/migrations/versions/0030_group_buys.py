"""Group buying: offers, groups, members (seats), share links and the consumer's cursor

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "group_buy_offers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sku_id", sa.String(36), sa.ForeignKey("skus.id"), nullable=False),
        sa.Column("product_id", sa.String(36), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("list_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("group_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("window_seconds", sa.Integer(), nullable=False),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("ends_at", _TS, nullable=False),
        sa.Column("fill_with_virtual", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("group_size BETWEEN 2 AND 50", name="ck_group_buy_offers_size"),
        sa.CheckConstraint("group_price_cents > 0 AND group_price_cents <= list_price_cents",
                           name="ck_group_buy_offers_price"),
        sa.CheckConstraint("window_seconds >= 60", name="ck_group_buy_offers_window"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_group_buy_offers_dates"),
    )
    op.create_index("ix_group_buy_offers_sku", "group_buy_offers", ["sku_id"])
    op.create_table(
        "group_buy_groups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("offer_id", sa.String(36), sa.ForeignKey("group_buy_offers.id"),
                  nullable=False),
        sa.Column("leader_user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("paid_members", sa.Integer(), nullable=False),
        sa.Column("virtual_members", sa.Integer(), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("closes_at", _TS, nullable=False),
        sa.Column("formed_at", _TS),
        sa.Column("failed_at", _TS),
        sa.CheckConstraint("status IN ('open', 'formed', 'failed')",
                           name="ck_group_buy_groups_status"),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= group_size",
                           name="ck_group_buy_groups_seats"),
        sa.CheckConstraint("paid_members >= 0 AND paid_members + virtual_members "
                           "<= seats_taken", name="ck_group_buy_groups_paid"),
        sa.CheckConstraint("refunded_cents >= 0", name="ck_group_buy_groups_refunded"),
    )
    op.create_index("ix_group_buy_groups_offer", "group_buy_groups", ["offer_id", "status"])
    op.create_index("ix_group_buy_groups_closing", "group_buy_groups", ["status", "closes_at"])
    op.create_table(
        "group_buy_members",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("group_id", sa.String(36), sa.ForeignKey("group_buy_groups.id"),
                  nullable=False),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id")),
        sa.Column("order_id", sa.String(36)),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("status", sa.String(9), nullable=False),
        sa.Column("inviter_user_id", sa.String(36)),
        sa.Column("share_id", sa.String(36)),
        sa.Column("new_user", sa.Boolean(), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), nullable=False),
        sa.Column("joined_at", _TS, nullable=False),
        sa.Column("paid_at", _TS),
        sa.Column("ended_at", _TS),
        sa.CheckConstraint("status IN ('pending', 'paid', 'virtual', 'freed', 'refunded', "
                           "'cancelled')", name="ck_group_buy_members_status"),
        sa.CheckConstraint("role IN ('leader', 'member')", name="ck_group_buy_members_role"),
        sa.CheckConstraint("(status = 'virtual') = (order_id IS NULL)",
                           name="ck_group_buy_members_order"),
        sa.CheckConstraint("refunded_cents >= 0", name="ck_group_buy_members_refunded"),
    )
    op.create_index("ix_group_buy_members_group", "group_buy_members", ["group_id", "status"])
    op.create_index("ix_group_buy_members_order", "group_buy_members", ["order_id"],
                    unique=True)
    op.create_index("ix_group_buy_members_user", "group_buy_members", ["user_id"])
    op.create_table(
        "group_buy_shares",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("group_id", sa.String(36), sa.ForeignKey("group_buy_groups.id"),
                  nullable=False),
        sa.Column("inviter_user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_group_buy_shares_group", "group_buy_shares",
                    ["group_id", "inviter_user_id"])
    op.create_table(
        "group_buy_cursors",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("group_buy_cursors")
    op.drop_index("ix_group_buy_shares_group", table_name="group_buy_shares")
    op.drop_table("group_buy_shares")
    for index in ("ix_group_buy_members_user", "ix_group_buy_members_order",
                  "ix_group_buy_members_group"):
        op.drop_index(index, table_name="group_buy_members")
    op.drop_table("group_buy_members")
    op.drop_index("ix_group_buy_groups_closing", table_name="group_buy_groups")
    op.drop_index("ix_group_buy_groups_offer", table_name="group_buy_groups")
    op.drop_table("group_buy_groups")
    op.drop_index("ix_group_buy_offers_sku", table_name="group_buy_offers")
    op.drop_table("group_buy_offers")
