"""Pricing: promotions and coupon templates as operators run them, every discount a placed
order got (per promotion and line), coupons claimed, redeemed and given back, and the
price floor holding a price up. So the warehouse knows what each discount cost, who paid
for it (the platform or a merchant) and what it brought in.

Envelope user_id: the shopper for promotion_applied, coupon_* and price_floor_blocked;
the operator for the promotion and template events."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict, UtcDateTime

PromotionKind = Literal["full_reduction", "percent_off", "amount_off", "buy_x_get_y",
                        "nth_item", "gift", "free_shipping", "payment_instant",
                        "bundle_price"]
CouponKind = Literal["full_reduction", "percent_off", "random_amount", "new_user",
                     "shipping"]
Status = Literal["draft", "active", "paused", "ended"]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Currency = Annotated[str, Field(min_length=3, max_length=3)]
Campaign = Annotated[str, Field(min_length=1, max_length=100)]  # utm_campaign it serves


class PromotionChangedPayload(Strict):
    """Created, edited, or moved to another status (draft -> active <-> paused -> ended)."""

    promotion_id: Id
    name: Name
    kind: PromotionKind
    merchant_id: Id | None = None  # the merchant funding it; None: the platform
    campaign: Campaign | None = None
    status: Status
    previous_status: Status | None = None  # None when created
    budget_cents: Cents | None = None
    currency: Currency
    version: Annotated[int, Field(strict=True, ge=1)]


class CouponTemplateChangedPayload(Strict):
    template_id: Id
    name: Name
    kind: CouponKind
    merchant_id: Id | None = None
    campaign: Campaign | None = None
    status: Status
    previous_status: Status | None = None
    total_limit: Annotated[int, Field(strict=True, ge=1)] | None = None
    per_user_limit: Annotated[int, Field(strict=True, ge=1)]
    currency: Currency
    version: Annotated[int, Field(strict=True, ge=1)]


class DiscountLinePayload(Strict):
    sku_id: Id
    product_id: Id
    merchant_id: Id
    discount_cents: Cents


class PromotionAppliedPayload(Strict):
    """One per promotion (or coupon) per placed order."""

    order_id: Id
    promotion_id: Id  # a coupon's template id when coupon_id is set
    coupon_id: Id | None = None
    kind: PromotionKind
    funded_by_merchant_id: Id | None = None
    campaign: Campaign | None = None
    currency: Currency
    discount_cents: Cents           # off the goods: the lines' shares summed
    shipping_discount_cents: Cents = 0
    gift_value_cents: Cents = 0
    lines: Annotated[list[DiscountLinePayload], Field(max_length=1000)]


class CouponClaimedPayload(Strict):
    coupon_id: Id
    template_id: Id
    kind: CouponKind
    channel: Literal["claim", "grant", "code"]
    campaign: Campaign | None = None
    value_cents: Cents | None = None  # amount coupons: what it takes off
    currency: Currency
    valid_from: UtcDateTime
    valid_until: UtcDateTime


class CouponRedeemedPayload(Strict):
    coupon_id: Id
    template_id: Id
    order_id: Id
    discount_cents: Cents  # goods and shipping it took off
    currency: Currency


class CouponReturnedPayload(Strict):
    coupon_id: Id
    template_id: Id
    order_id: Id
    reason: Literal["order_cancelled", "order_expired"]


class PriceFloorBlockedPayload(Strict):
    sku_id: Id
    promotion_id: Id | None = None  # None: a price source itself was under the floor
    order_id: Id | None = None      # None: seen on a quote
    floor_cents: Cents
    attempted_unit_cents: Cents
    blocked_cents: Cents
    currency: Currency


class PromotionChanged(Envelope):
    event_type: Literal["promotion_changed"] = "promotion_changed"
    payload: PromotionChangedPayload


class CouponTemplateChanged(Envelope):
    event_type: Literal["coupon_template_changed"] = "coupon_template_changed"
    payload: CouponTemplateChangedPayload


class PromotionApplied(Envelope):
    event_type: Literal["promotion_applied"] = "promotion_applied"
    payload: PromotionAppliedPayload


class CouponClaimed(Envelope):
    event_type: Literal["coupon_claimed"] = "coupon_claimed"
    payload: CouponClaimedPayload


class CouponRedeemed(Envelope):
    event_type: Literal["coupon_redeemed"] = "coupon_redeemed"
    payload: CouponRedeemedPayload


class CouponReturned(Envelope):
    event_type: Literal["coupon_returned"] = "coupon_returned"
    payload: CouponReturnedPayload


class PriceFloorBlocked(Envelope):
    event_type: Literal["price_floor_blocked"] = "price_floor_blocked"
    payload: PriceFloorBlockedPayload


PRICING_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (PromotionChanged, CouponTemplateChanged, PromotionApplied, CouponClaimed,
              CouponRedeemed, CouponReturned, PriceFloorBlocked)
}
