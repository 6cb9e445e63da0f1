"""Parent orders and sub-orders beyond placement: what the warehouse needs to rebuild any
order's full history (placement lines, each sub-order's transitions, interceptions)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Quantity, Strict

CUSTOMER_STATUS = Literal["pending_payment", "paid", "preparing", "shipped", "delivered",
                          "completed", "after_sales", "cancelled"]
SUB_STATUS = Literal["awaiting_payment", "allocated", "picking", "packed", "shipped",
                     "delivered", "completed", "cancelled"]


class SubOrderLinePayload(Strict):
    sku_id: Id
    product_id: Id
    quantity: Quantity
    list_price_cents: Cents
    unit_price_cents: Cents
    discount_cents: Cents
    tax_cents: Cents
    weight_grams: int = Field(strict=True, ge=0, le=10**9)


class SubOrderCreatedPayload(Strict):
    sub_order_id: Id
    order_id: Id
    merchant_id: Id
    warehouse_id: Id | None
    kind: Literal["physical", "presale", "virtual"]
    currency: str = Field(min_length=3, max_length=3)
    subtotal_cents: Cents
    discount_cents: Cents
    shipping_cents: Cents
    tax_cents: Cents
    total_cents: Cents
    shipping_region: str | None = Field(None, max_length=16)
    lines: list[SubOrderLinePayload]


class SubOrderStatusChangedPayload(Strict):
    sub_order_id: Id
    order_id: Id
    merchant_id: Id
    warehouse_id: Id | None
    from_status: SUB_STATUS
    to_status: SUB_STATUS
    reason: str | None = Field(None, max_length=200)


class SubOrderInterceptedPayload(Strict):
    """The operator's circuit breaker on one sub-order before it ships."""

    sub_order_id: Id
    order_id: Id
    action: Literal["pause", "resume", "cancel"]
    reason: str = Field(min_length=1, max_length=200)
    actor_id: Id | None = None
    refunded_cents: Cents = 0
    currency: str = Field(min_length=3, max_length=3)


class OrderStatusChangedPayload(Strict):
    """The customer-facing status, derived from the sub-orders."""

    order_id: Id
    from_status: CUSTOMER_STATUS
    to_status: CUSTOMER_STATUS


class SubOrderCreated(Envelope):
    event_type: Literal["sub_order_created"] = "sub_order_created"
    payload: SubOrderCreatedPayload


class SubOrderStatusChanged(Envelope):
    event_type: Literal["sub_order_status_changed"] = "sub_order_status_changed"
    payload: SubOrderStatusChangedPayload


class SubOrderIntercepted(Envelope):
    event_type: Literal["sub_order_intercepted"] = "sub_order_intercepted"
    payload: SubOrderInterceptedPayload


class OrderStatusChanged(Envelope):
    event_type: Literal["order_status_changed"] = "order_status_changed"
    payload: OrderStatusChangedPayload


ORDER_FLOW_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (SubOrderCreated, SubOrderStatusChanged, SubOrderIntercepted, OrderStatusChanged)
}
