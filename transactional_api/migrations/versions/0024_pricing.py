"""Pricing: per-SKU price sources, price floors, promotions, their redemptions, and the
version row the promotion cache checks

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_STATUSES = "status IN ('draft', 'active', 'paused', 'ended')"
_KINDS = ("kind IN ('full_reduction', 'percent_off', 'amount_off', 'buy_x_get_y', "
          "'nth_item', 'gift', 'free_shipping', 'payment_instant', 'bundle_price')")
_SCOPES = ("scope_kind IN ('store', 'category', 'brand', 'product', 'sku', 'merchant')")


def _sku() -> sa.Column:
    return sa.Column("sku_id", sa.String(36), sa.ForeignKey("skus.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "sku_price_tiers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _sku(),
        sa.Column("min_quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("sku_id", "min_quantity", name="uq_sku_price_tiers_sku_qty"),
        sa.CheckConstraint("min_quantity >= 2", name="ck_sku_price_tiers_min_qty"),
        sa.CheckConstraint("unit_price_cents > 0", name="ck_sku_price_tiers_price_pos"),
    )
    op.create_table(
        "sku_member_prices",
        sa.Column("sku_id", sa.String(36), sa.ForeignKey("skus.id"), primary_key=True),
        sa.Column("level", sa.String(32), primary_key=True),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("unit_price_cents > 0", name="ck_sku_member_prices_price_pos"),
    )
    for table, extra, check in (
        ("sku_promo_prices", sa.Column("label", sa.String(100), nullable=False), "promo"),
        ("sku_flash_prices", sa.Column("flash_sale_id", sa.String(36)), "flash"),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            _sku(),
            sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
            sa.Column("starts_at", _TS, nullable=False),
            sa.Column("ends_at", _TS, nullable=False),
            extra,
            sa.CheckConstraint("unit_price_cents > 0", name=f"ck_sku_{check}_prices_price_pos"),
            sa.CheckConstraint("ends_at > starts_at", name=f"ck_sku_{check}_prices_window"),
        )
        op.create_index(f"ix_sku_{check}_prices_sku", table, ["sku_id"])
    op.create_table(
        "price_floors",
        sa.Column("sku_id", sa.String(36), sa.ForeignKey("skus.id"), primary_key=True),
        sa.Column("floor_cents", sa.BigInteger(), nullable=False),
        sa.Column("basis", sa.String(8), nullable=False),
        sa.Column("updated_by", sa.String(36)),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("floor_cents >= 0", name="ck_price_floors_nonneg"),
        sa.CheckConstraint("basis IN ('cost', 'margin')", name="ck_price_floors_basis"),
    )
    op.create_table(
        "promotions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("scope_kind", sa.String(12), nullable=False),
        sa.Column("scope_ids", sa.JSON(), nullable=False),
        sa.Column("merchant_id", sa.String(36)),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("stacking_group", sa.String(40)),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("ends_at", _TS, nullable=False),
        sa.Column("budget_cents", sa.BigInteger()),
        sa.Column("spent_cents", sa.BigInteger(), nullable=False),
        sa.Column("usage_limit", sa.BigInteger()),
        sa.Column("used_count", sa.BigInteger(), nullable=False),
        sa.Column("per_user_limit", sa.Integer()),
        sa.Column("member_levels", sa.JSON(), nullable=False),
        sa.Column("audience_id", sa.String(36)),
        sa.Column("payment_channel", sa.String(24)),
        sa.Column("campaign", sa.String(100)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint(_STATUSES, name="ck_promotions_status"),
        sa.CheckConstraint(_KINDS, name="ck_promotions_kind"),
        sa.CheckConstraint(_SCOPES, name="ck_promotions_scope_kind"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_promotions_window"),
        sa.CheckConstraint("spent_cents >= 0 AND (budget_cents IS NULL OR "
                           "(budget_cents > 0 AND spent_cents <= budget_cents))",
                           name="ck_promotions_budget"),
        sa.CheckConstraint("used_count >= 0 AND (usage_limit IS NULL OR "
                           "(usage_limit > 0 AND used_count <= usage_limit))",
                           name="ck_promotions_usage"),
        sa.CheckConstraint("per_user_limit IS NULL OR per_user_limit > 0",
                           name="ck_promotions_per_user"),
        sa.CheckConstraint("version >= 1", name="ck_promotions_version"),
    )
    op.create_index("ix_promotions_status_ends", "promotions", ["status", "ends_at"])
    op.create_index("ix_promotions_merchant_status", "promotions", ["merchant_id", "status"])
    op.create_table(
        "promotion_redemptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("promotion_id", sa.String(36), sa.ForeignKey("promotions.id"),
                  nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("discount_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("returned_at", _TS),
        sa.UniqueConstraint("promotion_id", "order_id", name="uq_promotion_redemptions_order"),
        sa.CheckConstraint("discount_cents >= 0", name="ck_promotion_redemptions_nonneg"),
        sa.CheckConstraint("status IN ('held', 'returned')",
                           name="ck_promotion_redemptions_status"),
    )
    op.create_index("ix_promotion_redemptions_order", "promotion_redemptions", ["order_id"])
    op.create_index("ix_promotion_redemptions_user", "promotion_redemptions",
                    ["promotion_id", "user_id", "status"])
    state = op.create_table(
        "pricing_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("pricing_state")
    op.drop_index("ix_promotion_redemptions_user", table_name="promotion_redemptions")
    op.drop_index("ix_promotion_redemptions_order", table_name="promotion_redemptions")
    op.drop_table("promotion_redemptions")
    op.drop_index("ix_promotions_merchant_status", table_name="promotions")
    op.drop_index("ix_promotions_status_ends", table_name="promotions")
    op.drop_table("promotions")
    op.drop_table("price_floors")
    for check in ("flash", "promo"):
        op.drop_index(f"ix_sku_{check}_prices_sku", table_name=f"sku_{check}_prices")
        op.drop_table(f"sku_{check}_prices")
    op.drop_table("sku_member_prices")
    op.drop_table("sku_price_tiers")
