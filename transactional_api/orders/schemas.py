from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.cart.schemas import MAX_QUANTITY
from transactional_api.events.contract import MAX_CENTS, Context
from transactional_api.orders.breakdown_schemas import QuoteOut
from transactional_api.promoters.schemas import RefCode


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: str = Field(min_length=1, max_length=36)
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)
    # Virtual goods only (e.g. the phone number to top up); refused on physical goods.
    recipient: str | None = Field(None, min_length=3, max_length=100,
                                  pattern=r"^[A-Za-z0-9+@._-]+$")


class OrderIn(BaseModel):
    """No prices here on purpose: the server computes every amount."""

    model_config = ConfigDict(extra="forbid")
    items: list[OrderLineIn] | None = Field(None, min_length=1, max_length=100)
    session_id: str | None = Field(None, min_length=1, max_length=64)
    anonymous_id: str | None = Field(None, min_length=1, max_length=64)
    shipping_region: str | None = Field(None, min_length=1, max_length=16,
                                        pattern=r"^[A-Za-z0-9_-]+$")
    address_id: str | None = Field(None, min_length=1, max_length=36)
    # The total the shopper saw (from the preview): placement refuses a different one.
    expected_total_cents: int | None = Field(None, strict=True, ge=0, le=MAX_CENTS)
    context: Context = Field(default_factory=Context)
    points_to_spend: int | None = Field(
        None, strict=True, ge=0, le=10**12, description="Points to pay part of the order with")
    use_points: bool = Field(False, strict=True, description="Pay with as many points as the "
                             "balance and the cap allow")
    coupon_ids: list[str] | None = Field(
        None, max_length=10, description="Coupons to use (an empty list: none); left out, "
        "the best in the wallet")
    payment_channel: str | None = Field(
        None, min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$",
        description="The channel you will pay with (payment-channel reductions need it)")
    ref: RefCode = None
    market: str | None = Field(
        None, min_length=1, max_length=16, pattern=r"^[a-z][a-z0-9_-]*$",
        description="The storefront market to price in (its currency); left out: the base")


class PreviewIn(BaseModel):
    """Items, or none for the cart; an address (or just a region) to price shipping."""

    model_config = ConfigDict(extra="forbid")
    items: list[OrderLineIn] | None = Field(None, min_length=1, max_length=100)
    address_id: str | None = Field(None, min_length=1, max_length=36)
    shipping_region: str | None = Field(None, min_length=1, max_length=16,
                                        pattern=r"^[A-Za-z0-9_-]+$")
    points_to_spend: int | None = Field(None, strict=True, ge=0, le=10**12)
    use_points: bool = Field(False, strict=True)
    coupon_ids: list[str] | None = Field(
        None, max_length=10, description="Coupons to use (an empty list: none); left out, "
        "the best in the wallet")
    payment_channel: str | None = Field(
        None, min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$",
        description="The channel you will pay with (payment-channel reductions need it)")
    market: str | None = Field(
        None, min_length=1, max_length=16, pattern=r"^[a-z][a-z0-9_-]*$",
        description="The storefront market to price in (its currency); left out: the base")


class PreviewPointsOut(BaseModel):
    balance: int
    max_points: int = Field(description="The most points this order may take (the cap)")
    points_to_spend: int
    points_discount_cents: int
    points_per_currency_unit: int = Field(description="Points worth 1.00 of the currency")


class PreviewLineOut(BaseModel):
    sku_id: str
    product_id: str
    product_name: str
    sku_name: str
    merchant_id: str
    kind: str
    quantity: int
    list_price_cents: int
    unit_price_cents: int
    discount_cents: int
    tax_cents: int
    line_total_cents: int
    weight_grams: int
    available: int
    in_stock: bool


class PreviewShippingOut(BaseModel):
    merchant_id: str
    weight_grams: int
    goods_cents: int
    shipping_cents: int
    free_over_cents: int | None
    short_of_free_shipping_cents: int | None


class PreviewOut(BaseModel):
    currency: str
    shipping_region: str | None
    address_id: str | None
    tax_rate_bp: int
    lines: list[PreviewLineOut]
    shipping: list[PreviewShippingOut]
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int
    points_discount_cents: int = 0
    total_cents: int = Field(description="To pay with money, after any points")
    points: PreviewPointsOut | None = None
    placeable: bool
    pricing: QuoteOut | None = Field(None, description="The price engine's breakdown: "
                                     "price sources, promotions and coupons per line")


class SubOrderOut(BaseModel):
    id: str
    seq: int
    merchant_id: str
    warehouse_id: str | None
    kind: str
    status: str
    customer_status: str
    paused: bool
    hold_reason: str | None
    currency: str
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int
    points_discount_cents: int = 0
    total_cents: int
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None


class SubOrderTransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: Literal["picking", "packed", "shipped", "delivered", "completed"]


class InterceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["pause", "resume", "cancel"]
    reason: str = Field(min_length=1, max_length=200)


class OrderAdjustmentOut(BaseModel):
    promotion_id: str
    coupon_id: str | None
    name: str
    kind: str
    lane: str
    funded_by_merchant_id: str | None
    target: str
    sku_id: str | None
    merchant_id: str | None
    amount_cents: int


class OrderItemOut(BaseModel):
    sku_id: str
    product_id: str
    product_name: str
    sku_name: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int
    list_price_cents: int
    discount_cents: int
    tax_cents: int
    points_discount_cents: int = 0
    price_kind: str = "list"
    weight_grams: int
    sub_order_id: str | None
    warehouse_id: str | None
    merchant_id: str
    kind: str
    recipient: str | None
    fulfilment_status: str | None


class OrderOut(BaseModel):
    id: str
    user_id: str
    status: str
    currency: str
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int
    points_spent: int = 0
    points_discount_cents: int = 0
    total_cents: int = Field(description="To pay with money: after the points discount")
    shipping_region: str | None
    address_id: str | None
    ship_to: dict | None
    shipping_discount_cents: int = 0
    payment_channel: str | None = None
    market: str | None = Field(None, description="The storefront market it was placed in")
    fx_rate_e9: int | None = Field(None, description="1 unit of its currency in the base "
                                   "currency, times 10^9, as placed (null: before markets)")
    adjustments: list[OrderAdjustmentOut] = Field(
        default_factory=list, description="Every discount as placed: per promotion or "
        "coupon, and per line, merchant shipping fee or gift")
    items: list[OrderItemOut]
    sub_orders: list[SubOrderOut]
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None


class OrderPage(BaseModel):
    items: list[OrderOut]
    total: int
    limit: int
    offset: int


class ExpireOut(BaseModel):
    cancelled: int


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: str = Field(min_length=1, max_length=36)
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)
