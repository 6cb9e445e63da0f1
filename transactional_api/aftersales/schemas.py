from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.aftersales.models import AfterSalesRequest
from transactional_api.cart.schemas import MAX_QUANTITY

RequestType = Literal["refund_only", "return_refund", "exchange"]
ReasonCode = Literal["damaged", "wrong_item", "not_as_described", "no_longer_needed", "late",
                     "other"]
Status = Literal["requested", "approved", "rejected", "return_in_transit", "received",
                 "refunded", "exchanged", "closed"]


class RequestLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: str = Field(min_length=1, max_length=36)
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)


class AfterSalesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: RequestType
    sub_order_id: str = Field(min_length=1, max_length=36)
    lines: list[RequestLineIn] = Field(min_length=1, max_length=100)
    reason_code: ReasonCode
    note: str | None = Field(None, max_length=500)
    # exchange only: another SKU of the same product
    exchange_sku_id: str | None = Field(None, min_length=1, max_length=36)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject"]
    reason: str = Field(min_length=1, max_length=200)


class ReturnShipmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    carrier: str = Field(min_length=1, max_length=50)
    tracking_number: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9 ._/-]+$")


class InspectionLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: str = Field(min_length=1, max_length=36)
    accepted_quantity: int = Field(strict=True, ge=0, le=MAX_QUANTITY)


class InspectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[InspectionLineIn] = Field(min_length=1, max_length=100)
    note: str | None = Field(None, max_length=500)
    # an exchange whose replacement cannot ship (out of stock) may be refunded instead
    settle: Literal["as_requested", "refund"] = "as_requested"


class AfterSalesLineOut(BaseModel):
    sku_id: str
    warehouse_id: str | None
    quantity: int
    accepted_quantity: int | None
    settled_quantity: int
    refunded_cents: int


class AfterSalesOut(BaseModel):
    id: str
    order_id: str
    sub_order_id: str
    user_id: str
    merchant_id: str
    type: RequestType
    status: Status
    resolution: str | None
    reason_code: ReasonCode
    note: str | None
    exchange_sku_id: str | None
    currency: str
    requested_cents: int
    refunded_cents: int
    exchanged_cents: int
    refund_id: str | None
    replacement_sub_order_id: str | None
    decision: str | None
    decision_reason: str | None
    carrier: str | None
    tracking_number: str | None
    inspection_note: str | None
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None
    return_shipped_at: datetime | None
    received_at: datetime | None
    refunded_at: datetime | None
    closed_at: datetime | None
    lines: list[AfterSalesLineOut]


class AfterSalesList(BaseModel):
    items: list[AfterSalesOut]


class AfterSalesPage(BaseModel):
    items: list[AfterSalesOut]
    total: int
    limit: int
    offset: int


def request_out(r: AfterSalesRequest) -> AfterSalesOut:
    return AfterSalesOut(
        id=r.id, order_id=r.order_id, sub_order_id=r.sub_order_id, user_id=r.user_id,
        merchant_id=r.merchant_id, type=r.type, status=r.status, resolution=r.resolution,
        reason_code=r.reason_code, note=r.note, exchange_sku_id=r.exchange_sku_id,
        currency=r.currency, requested_cents=r.requested_cents,
        refunded_cents=r.refunded_cents, exchanged_cents=r.exchanged_cents,
        refund_id=r.refund_id, replacement_sub_order_id=r.replacement_sub_order_id,
        decision=r.decision, decision_reason=r.decision_reason, carrier=r.carrier,
        tracking_number=r.tracking_number, inspection_note=r.inspection_note,
        created_at=r.created_at, updated_at=r.updated_at, decided_at=r.decided_at,
        return_shipped_at=r.return_shipped_at, received_at=r.received_at,
        refunded_at=r.refunded_at, closed_at=r.closed_at,
        lines=[AfterSalesLineOut(sku_id=ln.sku_id, warehouse_id=ln.warehouse_id,
                                 quantity=ln.quantity, accepted_quantity=ln.accepted_quantity,
                                 settled_quantity=ln.settled_quantity,
                                 refunded_cents=ln.refunded_cents) for ln in r.lines])
