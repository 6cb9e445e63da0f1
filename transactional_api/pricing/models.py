"""Pricing tables: per-SKU price sources (tiers, member, promo, flash), price floors,
promotions with their budgets and counters, their redemptions per order, and the one-row
version the loader's cache checks.

Money is integer cents in the SKU's (or the promotion's) currency.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

PROMOTION_STATUSES = ("draft", "active", "paused", "ended")
PROMOTION_KINDS = ("full_reduction", "percent_off", "amount_off", "buy_x_get_y", "nth_item",
                   "gift", "free_shipping", "payment_instant", "bundle_price")
SCOPE_KINDS = ("store", "category", "brand", "product", "sku", "merchant")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK that column holds one of values."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class SkuPriceTier(Base):
    """From min_quantity units of the line on, each unit costs unit_price_cents."""

    __tablename__ = "sku_price_tiers"
    __table_args__ = (
        UniqueConstraint("sku_id", "min_quantity", name="uq_sku_price_tiers_sku_qty"),
        CheckConstraint("min_quantity >= 2", name="ck_sku_price_tiers_min_qty"),
        CheckConstraint("unit_price_cents > 0", name="ck_sku_price_tiers_price_pos"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku_id: Mapped[str] = mapped_column(String(36), ForeignKey("skus.id"))
    min_quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)


class SkuMemberPrice(Base):
    __tablename__ = "sku_member_prices"
    __table_args__ = (CheckConstraint("unit_price_cents > 0",
                                      name="ck_sku_member_prices_price_pos"),)
    sku_id: Mapped[str] = mapped_column(String(36), ForeignKey("skus.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)


class SkuPromoPrice(Base):
    __tablename__ = "sku_promo_prices"
    __table_args__ = (
        Index("ix_sku_promo_prices_sku", "sku_id"),
        CheckConstraint("unit_price_cents > 0", name="ck_sku_promo_prices_price_pos"),
        CheckConstraint("ends_at > starts_at", name="ck_sku_promo_prices_window"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku_id: Mapped[str] = mapped_column(String(36), ForeignKey("skus.id"))
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    label: Mapped[str] = mapped_column(String(100), default="")


class SkuFlashPrice(Base):
    """The flash-sale slot: written by the flash-sale work, read by the loader only."""

    __tablename__ = "sku_flash_prices"
    __table_args__ = (
        Index("ix_sku_flash_prices_sku", "sku_id"),
        CheckConstraint("unit_price_cents > 0", name="ck_sku_flash_prices_price_pos"),
        CheckConstraint("ends_at > starts_at", name="ck_sku_flash_prices_window"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku_id: Mapped[str] = mapped_column(String(36), ForeignKey("skus.id"))
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    flash_sale_id: Mapped[str | None] = mapped_column(String(36))


class PriceFloor(Base):
    """The lowest unit price any combination of sources and promotions may reach."""

    __tablename__ = "price_floors"
    __table_args__ = (CheckConstraint("floor_cents >= 0", name="ck_price_floors_nonneg"),
                      CheckConstraint("basis IN ('cost', 'margin')", name="ck_price_floors_basis"))
    sku_id: Mapped[str] = mapped_column(String(36), ForeignKey("skus.id"), primary_key=True)
    floor_cents: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[str] = mapped_column(String(8))
    updated_by: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Promotion(Base):
    """merchant_id set: funded by and limited to that merchant's goods; None: the platform.
    spent_cents/used_count only move by commit and release (atomic UPDATEs)."""

    __tablename__ = "promotions"
    __table_args__ = (
        Index("ix_promotions_status_ends", "status", "ends_at"),
        Index("ix_promotions_merchant_status", "merchant_id", "status"),
        CheckConstraint(one_of("status", PROMOTION_STATUSES), name="ck_promotions_status"),
        CheckConstraint(one_of("kind", PROMOTION_KINDS), name="ck_promotions_kind"),
        CheckConstraint(one_of("scope_kind", SCOPE_KINDS), name="ck_promotions_scope_kind"),
        CheckConstraint("ends_at > starts_at", name="ck_promotions_window"),
        CheckConstraint("spent_cents >= 0 AND (budget_cents IS NULL OR "
                        "(budget_cents > 0 AND spent_cents <= budget_cents))",
                        name="ck_promotions_budget"),
        CheckConstraint("used_count >= 0 AND (usage_limit IS NULL OR "
                        "(usage_limit > 0 AND used_count <= usage_limit))",
                        name="ck_promotions_usage"),
        CheckConstraint("per_user_limit IS NULL OR per_user_limit > 0",
                        name="ck_promotions_per_user"),
        CheckConstraint("version >= 1", name="ck_promotions_version"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    scope_kind: Mapped[str] = mapped_column(String(12), default="store")
    scope_ids: Mapped[list] = mapped_column(JSON, default=list)
    merchant_id: Mapped[str | None] = mapped_column(String(36))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    stacking_group: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(8), default="draft")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    budget_cents: Mapped[int | None] = mapped_column(BigInteger)
    spent_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    usage_limit: Mapped[int | None] = mapped_column(BigInteger)
    used_count: Mapped[int] = mapped_column(BigInteger, default=0)
    per_user_limit: Mapped[int | None] = mapped_column(Integer)
    member_levels: Mapped[list] = mapped_column(JSON, default=list)  # empty: every level
    audience_id: Mapped[str | None] = mapped_column(String(36))
    payment_channel: Mapped[str | None] = mapped_column(String(24))
    campaign: Mapped[str | None] = mapped_column(String(100))  # the utm_campaign it serves
    currency: Mapped[str] = mapped_column(String(3))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PromotionRedemption(Base):
    """What one order took from a promotion's budget (goods, shipping and gift value) and
    one use; given back once (held -> returned) when the order is cancelled."""

    __tablename__ = "promotion_redemptions"
    __table_args__ = (
        UniqueConstraint("promotion_id", "order_id", name="uq_promotion_redemptions_order"),
        Index("ix_promotion_redemptions_order", "order_id"),
        Index("ix_promotion_redemptions_user", "promotion_id", "user_id", "status"),
        CheckConstraint("discount_cents >= 0", name="ck_promotion_redemptions_nonneg"),
        CheckConstraint("status IN ('held', 'returned')", name="ck_promotion_redemptions_status"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    promotion_id: Mapped[str] = mapped_column(String(36), ForeignKey("promotions.id"))
    order_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str] = mapped_column(String(36))
    discount_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8), default="held")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PricingState(Base):
    """One row (id 1): version is bumped by every promotion change, so each process's
    compiled promotions are checked with one cheap read per quote."""

    __tablename__ = "pricing_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
