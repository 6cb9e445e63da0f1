from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_orders_user_idem"),
        CheckConstraint("total_cents >= 0", name="ck_orders_total_nonneg"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_cents: Mapped[int] = mapped_column(BigInteger)
    discount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    # Hash of what the keyed request asked for: a key reused for another request is refused.
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(String(64))
    anonymous_id: Mapped[str | None] = mapped_column(String(64))
    utm_source: Mapped[str | None] = mapped_column(String(100))
    utm_medium: Mapped[str | None] = mapped_column(String(100))
    utm_campaign: Mapped[str | None] = mapped_column(String(100))
    # Where the goods go: allocation prefers a location serving it (None: any location).
    shipping_region: Mapped[str | None] = mapped_column(String(16))
    # The address as it was at placement (editing the address book never moves an order).
    address_id: Mapped[str | None] = mapped_column(String(36))
    ship_to: Mapped[dict | None] = mapped_column(JSON)
    shipping_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # Points the shopper paid with, and what they were worth: total_cents is what is left
    # to pay with money (subtotal - discount + shipping + tax - points_discount).
    points_spent: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    points_discount_cents: Mapped[int] = mapped_column(BigInteger, default=0,
                                                       server_default="0")
    # what promotions took off the shipping fees (shipping_cents is after it), and the
    # channel the shopper chose when a payment-channel reduction priced the order
    shipping_discount_cents: Mapped[int] = mapped_column(BigInteger, default=0,
                                                         server_default="0")
    payment_channel: Mapped[str | None] = mapped_column(String(32))
    # the storefront market it was placed in, and the rate from its currency to the base
    # currency used then (10^9 = 1; markets/): null for orders placed before markets
    market_code: Mapped[str | None] = mapped_column(String(16))
    fx_rate_e9: Mapped[int | None] = mapped_column(BigInteger)
    # an order to another country (duties/): its duties and import tax, in total_cents
    duties_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    import_tax_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    items: Mapped[list[OrderItem]] = relationship(
        cascade="all, delete-orphan", order_by="OrderItem.id", lazy="selectin"
    )
    sub_orders: Mapped[list[SubOrder]] = relationship(
        cascade="all, delete-orphan", order_by="SubOrder.seq", lazy="selectin"
    )
    adjustments: Mapped[list[OrderAdjustment]] = relationship(
        cascade="all, delete-orphan", order_by="OrderAdjustment.id", lazy="selectin"
    )


class SubOrder(Base):
    """One merchant's goods from one location: its own fulfilment state machine. The parent
    order is paid once; its customer-facing status is derived from these."""

    __tablename__ = "sub_orders"
    __table_args__ = (
        UniqueConstraint("order_id", "seq", name="uq_sub_orders_order_seq"),
        CheckConstraint("total_cents >= 0 AND shipping_cents >= 0 AND tax_cents >= 0",
                        name="ck_sub_orders_money_nonneg"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    seq: Mapped[int] = mapped_column(Integer)
    merchant_id: Mapped[str] = mapped_column(String(36), index=True)
    # None: virtual goods, or pre-sale goods not yet given a location
    warehouse_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # physical | presale | virtual
    status: Mapped[str] = mapped_column(String(24), index=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str | None] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_cents: Mapped[int] = mapped_column(BigInteger)
    discount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    shipping_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # this sub-order's share of the order's points discount (its lines' shares summed)
    points_discount_cents: Mapped[int] = mapped_column(BigInteger, default=0,
                                                       server_default="0")
    total_cents: Mapped[int] = mapped_column(BigInteger)
    # Set by after-sales while a request on this sub-order is open.
    after_sales_open: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))


class OrderItem(Base):
    """A full snapshot (names, list and paid prices, discount, tax, weight): later catalog
    or price changes never change a placed order."""

    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="ck_order_items_qty_pos"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[str] = mapped_column(String(36))
    product_id: Mapped[str] = mapped_column(String(36), index=True)
    product_name: Mapped[str] = mapped_column(String(200))
    sku_name: Mapped[str] = mapped_column(String(200))
    sub_order_id: Mapped[str | None] = mapped_column(String(36), index=True)
    warehouse_id: Mapped[str | None] = mapped_column(String(36))
    list_price_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    weight_grams: Mapped[int] = mapped_column(Integer, default=0)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    # the price source that set unit_price_cents: list | tier | member | promo | flash
    price_kind: Mapped[str] = mapped_column(String(8), default="list", server_default="list")
    quantity: Mapped[int]
    line_total_cents: Mapped[int] = mapped_column(BigInteger)
    # the line's share of the points the order was paid with (never its shipping): refunds
    # of the line give back line_total + tax - points_discount in money
    points_spent: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    points_discount_cents: Mapped[int] = mapped_column(BigInteger, default=0,
                                                       server_default="0")
    merchant_id: Mapped[str] = mapped_column(String(36), default="self-operated")
    # the line's share of the order's duties and import tax (refunded with its units)
    duties_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    import_tax_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    sku_kind: Mapped[str] = mapped_column(String(16), default="standard")
    # Virtual goods: the account topped up instead of a shipping address, and the outcome.
    recipient: Mapped[str | None] = mapped_column(String(100))
    fulfilment_status: Mapped[str | None] = mapped_column(String(16))
    supplier_reference: Mapped[str | None] = mapped_column(String(100))


class OrderAdjustment(Base):
    """One promotion's (or coupon's) share on one line, one merchant's shipping fee, or a
    gift: the order's price breakdown as placed. A line's discount_cents is the sum of its
    adjustments."""

    __tablename__ = "order_adjustments"
    __table_args__ = (CheckConstraint("amount_cents >= 0",
                                      name="ck_order_adjustments_amount_nonneg"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    promotion_id: Mapped[str] = mapped_column(String(36))
    coupon_id: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(24))
    lane: Mapped[str] = mapped_column(String(12))
    funded_by_merchant_id: Mapped[str | None] = mapped_column(String(36))
    target: Mapped[str] = mapped_column(String(8))  # line | shipping | gift
    sku_id: Mapped[str | None] = mapped_column(String(36))
    merchant_id: Mapped[str | None] = mapped_column(String(36))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
