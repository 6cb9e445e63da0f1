"""The event contract: the one interface from the transaction side to the data side.

Every event is an envelope (ids, time, who, context) around a typed payload. A breaking
change to a payload gets a new ``schema_version`` and a new model beside the old one.
The dbt source ``raw.events`` declares the same columns; tests/contract keeps them equal.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, TypeAdapter

from transactional_api.events.access_events import ACCESS_EVENTS
from transactional_api.events.aftersales_events import AFTERSALES_EVENTS
from transactional_api.events.alert_events import ALERT_EVENTS
from transactional_api.events.catalog_events import CATALOG_EVENTS
from transactional_api.events.credit_events import CREDIT_EVENTS
from transactional_api.events.duty_events import DUTY_EVENTS
from transactional_api.events.envelope import (  # noqa: F401 (re-exported for callers)
    MAX_CENTS,
    Cents,
    Context,
    Count,
    Envelope,
    Id,
    Quantity,
    Strict,
    UtcDateTime,
)
from transactional_api.events.flash_events import FLASH_EVENTS
from transactional_api.events.fulfilment_events import FULFILMENT_EVENTS
from transactional_api.events.group_buy_events import GROUP_BUY_EVENTS
from transactional_api.events.identity_events import IDENTITY_EVENTS
from transactional_api.events.landing_events import (
    LANDING_EVENTS,
    LandingPageView,
    SlotClick,
    SlotImpression,
)
from transactional_api.events.market_events import MARKET_EVENTS
from transactional_api.events.marketing_events import MARKETING_EVENTS
from transactional_api.events.member_events import MEMBER_EVENTS
from transactional_api.events.merchant_events import MERCHANT_EVENTS
from transactional_api.events.order_events import ORDER_FLOW_EVENTS
from transactional_api.events.payment_events import PAYMENT_EVENTS
from transactional_api.events.points_mall_events import POINTS_MALL_EVENTS
from transactional_api.events.pricing_events import PRICING_EVENTS
from transactional_api.events.procurement_events import PROCUREMENT_EVENTS
from transactional_api.events.promoter_events import PROMOTER_EVENTS
from transactional_api.events.reach_events import REACH_EVENTS
from transactional_api.events.recommendation_events import (
    RecommendationClicked,
    RecommendationShown,
)
from transactional_api.events.replenishment_events import REPLENISHMENT_EVENTS
from transactional_api.events.review_events import REVIEW_EVENTS
from transactional_api.events.risk_events import RISK_EVENTS
from transactional_api.events.settlement_events import SETTLEMENT_EVENTS
from transactional_api.events.tag_events import TAG_EVENTS
from transactional_api.events.translation_events import TRANSLATION_EVENTS


# --- behaviour payloads (sent by storefront clients) ---------------------------------
class PageViewPayload(Strict):
    page: str = Field(min_length=1, max_length=500)


class ProductViewPayload(Strict):
    product_id: Id
    sku_id: Id | None = None


class SearchPayload(Strict):
    query: str = Field(min_length=1, max_length=200)
    results_count: Count


class AddToCartPayload(Strict):
    product_id: Id
    sku_id: Id
    quantity: Quantity


class RemoveFromCartPayload(Strict):
    product_id: Id
    sku_id: Id
    quantity: Quantity


class CheckoutStartedPayload(Strict):
    item_count: Count
    subtotal_cents: Cents


# --- order and money payloads (written by the API through the outbox) ---------------
class OrderItemPayload(Strict):
    sku_id: Id
    product_id: Id
    quantity: Quantity
    unit_price_cents: Cents


# Points paid part of an order: total_cents / amount_cents are the money part, and
# points_discount_cents what the points_spent were worth, so the order's value (GMV) is
# their sum. Added with defaults (0: no points, as every event before them said), an
# additive change that every reader of version 1 takes, so still schema_version 1.
class OrderCreatedPayload(Strict):
    order_id: Id
    currency: str = Field(min_length=3, max_length=3)
    total_cents: Cents
    items: list[OrderItemPayload]
    points_spent: Cents = 0
    points_discount_cents: Cents = 0


class OrderPaidPayload(Strict):
    order_id: Id
    payment_id: Id
    amount_cents: Cents
    currency: str = Field(min_length=3, max_length=3)
    points_spent: Cents = 0
    points_discount_cents: Cents = 0


class OrderCancelledPayload(Strict):
    order_id: Id
    reason: str = Field(max_length=200)


class OrderShippedPayload(Strict):
    order_id: Id


class OrderCompletedPayload(Strict):
    order_id: Id


class PaymentFailedPayload(Strict):
    order_id: Id
    payment_id: Id
    reason: str = Field(max_length=200)


class PaymentRefundDuePayload(Strict):
    """Money was captured that the order cannot keep; after-sales owes it back."""

    order_id: Id
    payment_id: Id
    amount_cents: Cents
    currency: str = Field(min_length=3, max_length=3)
    reason: str = Field(max_length=200)


class PageView(Envelope):
    event_type: Literal["page_view"] = "page_view"
    payload: PageViewPayload


class ProductView(Envelope):
    event_type: Literal["product_view"] = "product_view"
    payload: ProductViewPayload


class Search(Envelope):
    event_type: Literal["search"] = "search"
    payload: SearchPayload


class AddToCart(Envelope):
    event_type: Literal["add_to_cart"] = "add_to_cart"
    payload: AddToCartPayload


class RemoveFromCart(Envelope):
    event_type: Literal["remove_from_cart"] = "remove_from_cart"
    payload: RemoveFromCartPayload


class CheckoutStarted(Envelope):
    event_type: Literal["checkout_started"] = "checkout_started"
    payload: CheckoutStartedPayload


class OrderCreated(Envelope):
    event_type: Literal["order_created"] = "order_created"
    payload: OrderCreatedPayload


class OrderPaid(Envelope):
    event_type: Literal["order_paid"] = "order_paid"
    payload: OrderPaidPayload


class OrderCancelled(Envelope):
    event_type: Literal["order_cancelled"] = "order_cancelled"
    payload: OrderCancelledPayload


class OrderShipped(Envelope):
    event_type: Literal["order_shipped"] = "order_shipped"
    payload: OrderShippedPayload


class OrderCompleted(Envelope):
    event_type: Literal["order_completed"] = "order_completed"
    payload: OrderCompletedPayload


class PaymentFailed(Envelope):
    event_type: Literal["payment_failed"] = "payment_failed"
    payload: PaymentFailedPayload


class PaymentRefundDue(Envelope):
    event_type: Literal["payment_refund_due"] = "payment_refund_due"
    payload: PaymentRefundDuePayload


BEHAVIOUR_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (PageView, ProductView, Search, AddToCart, RemoveFromCart, CheckoutStarted,
              RecommendationShown, RecommendationClicked,
              LandingPageView, SlotImpression, SlotClick)
}
ORDER_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (OrderCreated, OrderPaid, OrderCancelled, OrderShipped, OrderCompleted, PaymentFailed,
              PaymentRefundDue)
}
# Each domain keeps its events in its own module; they join the contract here.
ALL_EVENTS: dict[str, type[Envelope]] = {
    **BEHAVIOUR_EVENTS, **ORDER_EVENTS, **CATALOG_EVENTS, **ORDER_FLOW_EVENTS, **PAYMENT_EVENTS,
    **FULFILMENT_EVENTS, **AFTERSALES_EVENTS, **MARKETING_EVENTS, **ALERT_EVENTS, **REVIEW_EVENTS,
    **MEMBER_EVENTS, **IDENTITY_EVENTS,
    **ACCESS_EVENTS,
    **TAG_EVENTS,
    **REACH_EVENTS,
    **SETTLEMENT_EVENTS,
    **RISK_EVENTS,
    **PRICING_EVENTS,
    **FLASH_EVENTS,
    **PROMOTER_EVENTS,
    **POINTS_MALL_EVENTS,
    **LANDING_EVENTS,
    **GROUP_BUY_EVENTS,
    **PROCUREMENT_EVENTS,
    **MERCHANT_EVENTS,
    **REPLENISHMENT_EVENTS,
    **MARKET_EVENTS,
    **DUTY_EVENTS,
    **TRANSLATION_EVENTS,
    **CREDIT_EVENTS,
}

BehaviourEvent = Annotated[
    PageView | ProductView | Search | AddToCart | RemoveFromCart | CheckoutStarted
    | RecommendationShown | RecommendationClicked
    | LandingPageView | SlotImpression | SlotClick,
    Field(discriminator="event_type"),
]
AnyEvent = Annotated[Union[tuple(ALL_EVENTS.values())], Field(discriminator="event_type")]  # noqa: UP007
behaviour_adapter: TypeAdapter[Any] = TypeAdapter(BehaviourEvent)
any_event_adapter: TypeAdapter[Any] = TypeAdapter(AnyEvent)

# The flat column layout of the landing zone and of the dbt source raw.events.
ENVELOPE_COLUMNS: tuple[str, ...] = (
    "event_id", "event_type", "schema_version", "occurred_at",
    "user_id", "anonymous_id", "session_id",
)
CONTEXT_COLUMNS: tuple[str, ...] = tuple(Context.model_fields)


def payload_fields() -> dict[str, list[str]]:
    """Payload field names per event type, for the contract test against dbt sources."""
    return {
        name: list(model.model_fields["payload"].annotation.model_fields)  # type: ignore[union-attr]
        for name, model in ALL_EVENTS.items()
    }


def to_record(event: Envelope) -> dict[str, Any]:
    """The JSON-able dict that the outbox stores and the lake lands, one per line."""
    return event.model_dump(mode="json")
