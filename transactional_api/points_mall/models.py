"""The mall's items (each with its own stock, an allotment independent of the SKU's
stock), every redemption (one row per shopper request, keyed by its Idempotency-Key), and
the give-back consumer's outbox cursor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
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

GOODS, COUPON = "goods", "coupon"
# a redemption is active until it is given back (its order cancelled, refunded or returned)
ACTIVE, GIVEN_BACK = "active", "given_back"


class MallItem(Base):
    __tablename__ = "points_mall_items"
    __table_args__ = (
        CheckConstraint("kind IN ('goods', 'coupon')", name="ck_points_mall_items_kind"),
        CheckConstraint("(kind = 'goods' AND sku_id IS NOT NULL AND coupon_template_id IS NULL)"
                        " OR (kind = 'coupon' AND coupon_template_id IS NOT NULL AND sku_id IS "
                        "NULL AND cash_cents = 0)", name="ck_points_mall_items_target"),
        CheckConstraint("points_price > 0", name="ck_points_mall_items_points"),
        CheckConstraint("cash_cents >= 0", name="ck_points_mall_items_cash"),
        CheckConstraint("stock_left >= 0 AND stock_left <= stock_total",
                        name="ck_points_mall_items_stock"),
        CheckConstraint("per_user_limit >= 1", name="ck_points_mall_items_per_user"),
        CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at",
                        name="ck_points_mall_items_window"),
        Index("ix_points_mall_items_listed", "listed", "kind"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(100))
    sku_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("skus.id"))
    coupon_template_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("coupon_templates.id"))
    points_price: Mapped[int] = mapped_column(BigInteger)  # per unit
    cash_cents: Mapped[int] = mapped_column(BigInteger)  # per unit, besides the points
    currency: Mapped[str] = mapped_column(String(3))
    stock_total: Mapped[int] = mapped_column(BigInteger)
    stock_left: Mapped[int] = mapped_column(BigInteger)
    per_user_limit: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    listed: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MallRedemption(Base):
    __tablename__ = "points_mall_redemptions"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_points_mall_redemptions_idem"),
        UniqueConstraint("order_id", name="uq_points_mall_redemptions_order"),
        CheckConstraint("kind IN ('goods', 'coupon')", name="ck_points_mall_redemptions_kind"),
        CheckConstraint("status IN ('active', 'given_back')",
                        name="ck_points_mall_redemptions_status"),
        CheckConstraint("give_back_reason IS NULL OR give_back_reason IN "
                        "('cancelled', 'refunded', 'returned')",
                        name="ck_points_mall_redemptions_reason"),
        CheckConstraint("quantity >= 1 AND points > 0 AND cash_cents >= 0 AND "
                        "points_given_back >= 0 AND points_given_back <= points",
                        name="ck_points_mall_redemptions_amounts"),
        Index("ix_points_mall_redemptions_item_user", "item_id", "user_id", "status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    item_id: Mapped[str] = mapped_column(String(36), ForeignKey("points_mall_items.id"))
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(8))
    quantity: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(BigInteger)
    cash_cents: Mapped[int] = mapped_column(BigInteger)  # the item's cash, all units
    currency: Mapped[str] = mapped_column(String(3))
    order_id: Mapped[str | None] = mapped_column(String(36))
    coupon_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(12), default=ACTIVE)
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    given_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    give_back_reason: Mapped[str | None] = mapped_column(String(12))
    points_given_back: Mapped[int] = mapped_column(BigInteger, default=0)


class MallCursor(Base):
    __tablename__ = "points_mall_cursors"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
