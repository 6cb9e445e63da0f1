"""Points mall: items listed and changed by operators, each redemption (points, cash and
what it bought: an order or a coupon), and each give-back (an order cancelled, refunded or
returned), so the warehouse measures what the mall gave away and what it cost. Item events
carry the operator as the envelope's user_id; redemptions and give-backs the shopper."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Quantity, Strict, UtcDateTime

ItemKind = Literal["goods", "coupon"]
Title = Annotated[str, Field(min_length=1, max_length=100)]
Points = Annotated[int, Field(strict=True, ge=0, le=10**12)]
GiveBackReason = Literal["cancelled", "refunded", "returned"]


class PointsMallItemPayload(Strict):
    item_id: Id
    kind: ItemKind
    title: Title
    sku_id: Id | None = None
    coupon_template_id: Id | None = None
    points_price: Points
    cash_cents: Cents
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    stock_total: Annotated[int, Field(strict=True, ge=0, le=10**9)]
    stock_left: Annotated[int, Field(strict=True, ge=0, le=10**9)]
    per_user_limit: Annotated[int, Field(strict=True, ge=1, le=10_000)]
    listed: bool
    starts_at: UtcDateTime | None = None
    ends_at: UtcDateTime | None = None
    version: Annotated[int, Field(strict=True, ge=1)]


class PointsMallRedeemedPayload(Strict):
    redemption_id: Id
    item_id: Id
    kind: ItemKind
    quantity: Quantity
    points: Points
    cash_cents: Cents
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    # the points' worth at the shop's point value when redeemed (members_points_per_currency_unit)
    points_value_cents: Cents
    order_id: Id | None = None
    coupon_id: Id | None = None


class PointsMallGivenBackPayload(Strict):
    redemption_id: Id
    item_id: Id
    kind: ItemKind
    order_id: Id
    reason: GiveBackReason
    points: Points
    points_value_cents: Cents
    units_restocked: Annotated[int, Field(strict=True, ge=0, le=10_000)]
    source_event_id: Id


class PointsMallItemCreated(Envelope):
    event_type: Literal["points_mall_item_created"] = "points_mall_item_created"
    payload: PointsMallItemPayload


class PointsMallItemChanged(Envelope):
    event_type: Literal["points_mall_item_changed"] = "points_mall_item_changed"
    payload: PointsMallItemPayload


class PointsMallRedeemed(Envelope):
    event_type: Literal["points_mall_redeemed"] = "points_mall_redeemed"
    payload: PointsMallRedeemedPayload


class PointsMallGivenBack(Envelope):
    event_type: Literal["points_mall_given_back"] = "points_mall_given_back"
    payload: PointsMallGivenBackPayload


POINTS_MALL_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (PointsMallItemCreated, PointsMallItemChanged, PointsMallRedeemed,
              PointsMallGivenBack)
}
