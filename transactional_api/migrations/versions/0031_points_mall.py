"""Points mall: items with their own stock, redemptions, the give-back consumer's cursor

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "points_mall_items",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("sku_id", sa.String(36), sa.ForeignKey("skus.id")),
        sa.Column("coupon_template_id", sa.String(36), sa.ForeignKey("coupon_templates.id")),
        sa.Column("points_price", sa.BigInteger(), nullable=False),
        sa.Column("cash_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("stock_total", sa.BigInteger(), nullable=False),
        sa.Column("stock_left", sa.BigInteger(), nullable=False),
        sa.Column("per_user_limit", sa.Integer(), nullable=False),
        sa.Column("starts_at", _TS),
        sa.Column("ends_at", _TS),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("kind IN ('goods', 'coupon')", name="ck_points_mall_items_kind"),
        sa.CheckConstraint(
            "(kind = 'goods' AND sku_id IS NOT NULL AND coupon_template_id IS NULL)"
            " OR (kind = 'coupon' AND coupon_template_id IS NOT NULL AND sku_id IS "
            "NULL AND cash_cents = 0)", name="ck_points_mall_items_target"),
        sa.CheckConstraint("points_price > 0", name="ck_points_mall_items_points"),
        sa.CheckConstraint("cash_cents >= 0", name="ck_points_mall_items_cash"),
        sa.CheckConstraint("stock_left >= 0 AND stock_left <= stock_total",
                           name="ck_points_mall_items_stock"),
        sa.CheckConstraint("per_user_limit >= 1", name="ck_points_mall_items_per_user"),
        sa.CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at",
                           name="ck_points_mall_items_window"),
    )
    op.create_index("ix_points_mall_items_listed", "points_mall_items", ["listed", "kind"])
    op.create_table(
        "points_mall_redemptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("item_id", sa.String(36), sa.ForeignKey("points_mall_items.id"),
                  nullable=False),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("cash_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("order_id", sa.String(36)),
        sa.Column("coupon_id", sa.String(36)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("request_fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("given_back_at", _TS),
        sa.Column("give_back_reason", sa.String(12)),
        sa.Column("points_given_back", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("user_id", "idempotency_key",
                            name="uq_points_mall_redemptions_idem"),
        sa.UniqueConstraint("order_id", name="uq_points_mall_redemptions_order"),
        sa.CheckConstraint("kind IN ('goods', 'coupon')", name="ck_points_mall_redemptions_kind"),
        sa.CheckConstraint("status IN ('active', 'given_back')",
                           name="ck_points_mall_redemptions_status"),
        sa.CheckConstraint("give_back_reason IS NULL OR give_back_reason IN "
                           "('cancelled', 'refunded', 'returned')",
                           name="ck_points_mall_redemptions_reason"),
        sa.CheckConstraint("quantity >= 1 AND points > 0 AND cash_cents >= 0 AND "
                           "points_given_back >= 0 AND points_given_back <= points",
                           name="ck_points_mall_redemptions_amounts"),
    )
    op.create_index("ix_points_mall_redemptions_item_user", "points_mall_redemptions",
                    ["item_id", "user_id", "status"])
    op.create_table(
        "points_mall_cursors",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("points_mall_cursors")
    op.drop_table("points_mall_redemptions")
    op.drop_table("points_mall_items")
