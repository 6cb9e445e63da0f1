"""The event contract: the one interface from the transaction side to the data side.

Every event is an envelope (ids, time, who, context) around a typed payload. A breaking
change to a payload gets a new ``schema_version`` and a new model beside the old one.
The dbt source ``raw.events`` declares the same columns; tests/contract keeps them equal.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticCustomError

Id = Annotated[str, Field(min_length=1, max_length=64)]
MAX_CENTS = 10**12  # the largest amount the warehouse takes; the API refuses larger ones
# Strict: "3" or true is a client bug, not a quantity; coercing it would hide the bug.
Cents = Annotated[int, Field(strict=True, ge=0, le=MAX_CENTS)]
Quantity = Annotated[int, Field(strict=True, ge=1, le=10_000)]
Count = Annotated[int, Field(strict=True, ge=0, le=10**6)]


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00+14:00 or 9999-12-31T23:59-01:00 fall outside years 1..9999 in UTC
        raise PydanticCustomError(
            "datetime_out_of_range", "datetime is outside years 1..9999 once converted to UTC"
        ) from None


# An aware datetime normalised to UTC, refusing (not crashing on) values that overflow.
UtcDateTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Context(_Strict):
    utm_source: str | None = Field(None, max_length=100)
    utm_medium: str | None = Field(None, max_length=100)
    utm_campaign: str | None = Field(None, max_length=100)
    referrer: str | None = Field(None, max_length=500)
    device: Literal["desktop", "mobile", "tablet", "other"] | None = None


# --- behaviour payloads (sent by storefront clients) ---------------------------------
class PageViewPayload(_Strict):
    page: str = Field(min_length=1, max_length=500)


class ProductViewPayload(_Strict):
    product_id: Id
    sku_id: Id | None = None


class SearchPayload(_Strict):
    query: str = Field(min_length=1, max_length=200)
    results_count: Count


class AddToCartPayload(_Strict):
    product_id: Id
    sku_id: Id
    quantity: Quantity


class RemoveFromCartPayload(_Strict):
    product_id: Id
    sku_id: Id
    quantity: Quantity


class CheckoutStartedPayload(_Strict):
    item_count: Count
    subtotal_cents: Cents


# --- order and money payloads (written by the API through the outbox) ---------------
class OrderItemPayload(_Strict):
    sku_id: Id
    product_id: Id
    quantity: Quantity
    unit_price_cents: Cents


class OrderCreatedPayload(_Strict):
    order_id: Id
    currency: str = Field(min_length=3, max_length=3)
    total_cents: Cents
    items: list[OrderItemPayload]


class OrderPaidPayload(_Strict):
    order_id: Id
    payment_id: Id
    amount_cents: Cents
    currency: str = Field(min_length=3, max_length=3)


class OrderCancelledPayload(_Strict):
    order_id: Id
    reason: str = Field(max_length=200)


class OrderShippedPayload(_Strict):
    order_id: Id


class OrderCompletedPayload(_Strict):
    order_id: Id


class PaymentFailedPayload(_Strict):
    order_id: Id
    payment_id: Id
    reason: str = Field(max_length=200)


class PaymentRefundDuePayload(_Strict):
    """Money was captured that the order cannot keep; after-sales owes it back."""

    order_id: Id
    payment_id: Id
    amount_cents: Cents
    currency: str = Field(min_length=3, max_length=3)
    reason: str = Field(max_length=200)


class _Envelope(_Strict):
    event_id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1, max_length=64)
    schema_version: Literal[1] = 1
    occurred_at: UtcDateTime = Field(default_factory=lambda: datetime.now(UTC))
    user_id: Id | None = None
    anonymous_id: Id | None = None
    session_id: Id | None = None
    context: Context = Field(default_factory=Context)


class PageView(_Envelope):
    event_type: Literal["page_view"] = "page_view"
    payload: PageViewPayload


class ProductView(_Envelope):
    event_type: Literal["product_view"] = "product_view"
    payload: ProductViewPayload


class Search(_Envelope):
    event_type: Literal["search"] = "search"
    payload: SearchPayload


class AddToCart(_Envelope):
    event_type: Literal["add_to_cart"] = "add_to_cart"
    payload: AddToCartPayload


class RemoveFromCart(_Envelope):
    event_type: Literal["remove_from_cart"] = "remove_from_cart"
    payload: RemoveFromCartPayload


class CheckoutStarted(_Envelope):
    event_type: Literal["checkout_started"] = "checkout_started"
    payload: CheckoutStartedPayload


class OrderCreated(_Envelope):
    event_type: Literal["order_created"] = "order_created"
    payload: OrderCreatedPayload


class OrderPaid(_Envelope):
    event_type: Literal["order_paid"] = "order_paid"
    payload: OrderPaidPayload


class OrderCancelled(_Envelope):
    event_type: Literal["order_cancelled"] = "order_cancelled"
    payload: OrderCancelledPayload


class OrderShipped(_Envelope):
    event_type: Literal["order_shipped"] = "order_shipped"
    payload: OrderShippedPayload


class OrderCompleted(_Envelope):
    event_type: Literal["order_completed"] = "order_completed"
    payload: OrderCompletedPayload


class PaymentFailed(_Envelope):
    event_type: Literal["payment_failed"] = "payment_failed"
    payload: PaymentFailedPayload


class PaymentRefundDue(_Envelope):
    event_type: Literal["payment_refund_due"] = "payment_refund_due"
    payload: PaymentRefundDuePayload


BEHAVIOUR_EVENTS: dict[str, type[_Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (PageView, ProductView, Search, AddToCart, RemoveFromCart, CheckoutStarted)
}
ORDER_EVENTS: dict[str, type[_Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (OrderCreated, OrderPaid, OrderCancelled, OrderShipped, OrderCompleted, PaymentFailed,
              PaymentRefundDue)
}
ALL_EVENTS: dict[str, type[_Envelope]] = {**BEHAVIOUR_EVENTS, **ORDER_EVENTS}

BehaviourEvent = Annotated[
    PageView | ProductView | Search | AddToCart | RemoveFromCart | CheckoutStarted,
    Field(discriminator="event_type"),
]
AnyEvent = Annotated[
    PageView | ProductView | Search | AddToCart | RemoveFromCart | CheckoutStarted
    | OrderCreated | OrderPaid | OrderCancelled | OrderShipped | OrderCompleted | PaymentFailed
    | PaymentRefundDue,
    Field(discriminator="event_type"),
]
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


def to_record(event: _Envelope) -> dict[str, Any]:
    """The JSON-able dict that the outbox stores and the lake lands, one per line."""
    return event.model_dump(mode="json")
