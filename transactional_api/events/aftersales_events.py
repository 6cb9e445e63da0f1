"""After-sales requests (refund only, return and refund, exchange), decisions, returns.

One event per transition of a request's state machine, so the warehouse can compute the
after-sales rate, the reasons and the time to resolve (after_sales_closed carries when the
request was opened), and rebuild every refund and exchange of an order.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Quantity, Strict, UtcDateTime

REQUEST_TYPE = Literal["refund_only", "return_refund", "exchange"]
REASON_CODE = Literal["damaged", "wrong_item", "not_as_described", "no_longer_needed", "late",
                      "other"]
RESOLUTION = Literal["refunded", "exchanged", "rejected", "withdrawn", "nothing_accepted"]
Currency = Annotated[str, Field(min_length=3, max_length=3)]


class AfterSalesLinePayload(Strict):
    sku_id: Id
    quantity: Quantity
    # set once the goods were inspected (return_inspected, after_sales_closed)
    accepted_quantity: int | None = Field(None, strict=True, ge=0, le=10_000)
    warehouse_id: Id | None = None


class AfterSalesRequestedPayload(Strict):
    request_id: Id
    order_id: Id
    sub_order_id: Id
    merchant_id: Id
    type: REQUEST_TYPE
    reason_code: REASON_CODE
    lines: list[AfterSalesLinePayload]
    exchange_sku_id: Id | None = None
    # what the lines were paid (goods and their tax), before any decision
    requested_cents: Cents
    currency: Currency


class AfterSalesDecidedPayload(Strict):
    request_id: Id
    order_id: Id
    sub_order_id: Id
    type: REQUEST_TYPE
    reason_code: REASON_CODE
    decision: Literal["approve", "reject"]
    reason: str = Field(min_length=1, max_length=200)
    actor_id: Id | None = None


class ReturnShippedPayload(Strict):
    request_id: Id
    order_id: Id
    sub_order_id: Id
    type: REQUEST_TYPE
    carrier: str = Field(min_length=1, max_length=50)
    tracking_number: str = Field(min_length=1, max_length=100)


class ReturnInspectedPayload(Strict):
    request_id: Id
    order_id: Id
    sub_order_id: Id
    type: REQUEST_TYPE
    lines: list[AfterSalesLinePayload]
    requested_quantity: int = Field(strict=True, ge=1, le=10**6)
    accepted_quantity: int = Field(strict=True, ge=0, le=10**6)
    note: str | None = Field(None, max_length=500)
    actor_id: Id | None = None


class AfterSalesRefundedPayload(Strict):
    request_id: Id
    order_id: Id
    sub_order_id: Id
    type: REQUEST_TYPE
    reason_code: REASON_CODE
    refund_id: Id
    amount_cents: Cents
    # the part of amount_cents that is the sub-order's shipping fee (whole sub-order only)
    shipping_cents: Cents
    currency: Currency


class AfterSalesExchangedPayload(Strict):
    request_id: Id
    order_id: Id
    sub_order_id: Id
    replacement_sub_order_id: Id
    sku_id: Id
    exchange_sku_id: Id
    quantity: Quantity
    # what the returned units were paid: the replacement is paid by them
    value_cents: Cents
    currency: Currency


class AfterSalesClosedPayload(Strict):
    request_id: Id
    order_id: Id
    sub_order_id: Id
    type: REQUEST_TYPE
    reason_code: REASON_CODE
    resolution: RESOLUTION
    refunded_cents: Cents
    exchanged_cents: Cents
    currency: Currency
    opened_at: UtcDateTime
    replacement_sub_order_id: Id | None = None


class AfterSalesRequested(Envelope):
    event_type: Literal["after_sales_requested"] = "after_sales_requested"
    payload: AfterSalesRequestedPayload


class AfterSalesDecided(Envelope):
    event_type: Literal["after_sales_decided"] = "after_sales_decided"
    payload: AfterSalesDecidedPayload


class ReturnShipped(Envelope):
    event_type: Literal["return_shipped"] = "return_shipped"
    payload: ReturnShippedPayload


class ReturnInspected(Envelope):
    event_type: Literal["return_inspected"] = "return_inspected"
    payload: ReturnInspectedPayload


class AfterSalesRefunded(Envelope):
    event_type: Literal["after_sales_refunded"] = "after_sales_refunded"
    payload: AfterSalesRefundedPayload


class AfterSalesExchanged(Envelope):
    event_type: Literal["after_sales_exchanged"] = "after_sales_exchanged"
    payload: AfterSalesExchangedPayload


class AfterSalesClosed(Envelope):
    event_type: Literal["after_sales_closed"] = "after_sales_closed"
    payload: AfterSalesClosedPayload


AFTERSALES_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (AfterSalesRequested, AfterSalesDecided, ReturnShipped, ReturnInspected,
              AfterSalesRefunded, AfterSalesExchanged, AfterSalesClosed)
}
