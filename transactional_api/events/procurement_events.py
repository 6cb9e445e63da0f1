"""Procurement: suppliers and their contracts, purchase orders moving through their states,
receipts (accepted and quality-rejected units), payables, and consignment pushes. The
warehouse builds supplier performance (fill rate, lead time, on-time share) from these."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Count, Envelope, Id, Strict, UtcDateTime

Currency = Annotated[str, Field(min_length=3, max_length=3)]
Days = Annotated[int, Field(strict=True, ge=0, le=3650)]
SupplierStatus = Literal["active", "suspended"]
SupplyMode = Literal["stocked", "consignment"]
PoStatus = Literal["draft", "approved", "sent", "partially_received", "received", "closed",
                   "cancelled"]
PayableStatus = Literal["open", "paid"]


class SupplierChangedPayload(Strict):
    supplier_id: Id
    name: Annotated[str, Field(min_length=1, max_length=200)]
    status: SupplierStatus
    action: Literal["created", "updated", "suspended", "reactivated"]


class SupplierContractChangedPayload(Strict):
    contract_id: Id
    supplier_id: Id
    sku_id: Id
    purchase_price_cents: Cents
    currency: Currency
    lead_time_days: Days
    moq: Annotated[int, Field(strict=True, ge=1, le=10**7)]
    supply_mode: SupplyMode
    payment_terms_days: Days
    active: bool


class PurchaseOrderChangedPayload(Strict):
    po_id: Id
    supplier_id: Id
    location_id: Id
    from_status: PoStatus | None
    to_status: PoStatus
    units_ordered: Count
    amount_cents: Cents
    currency: Currency
    lead_time_days: Days
    source: Annotated[str, Field(min_length=1, max_length=40)]


class PoReceiptRecordedPayload(Strict):
    receipt_id: Id
    po_id: Id
    supplier_id: Id
    location_id: Id
    accepted: Count
    rejected: Count
    amount_cents: Cents
    currency: Currency


class SupplierPayableChangedPayload(Strict):
    payable_id: Id
    receipt_id: Id
    po_id: Id
    supplier_id: Id
    amount_cents: Cents
    currency: Currency
    status: PayableStatus
    due_at: UtcDateTime


class ConsignmentPushPayload(Strict):
    push_id: Id
    sub_order_id: Id
    order_id: Id
    supplier_id: Id
    units: Count
    attempts: Count
    error: str | None = Field(None, max_length=500)


class SupplierChanged(Envelope):
    event_type: Literal["supplier_changed"] = "supplier_changed"
    payload: SupplierChangedPayload


class SupplierContractChanged(Envelope):
    event_type: Literal["supplier_contract_changed"] = "supplier_contract_changed"
    payload: SupplierContractChangedPayload


class PurchaseOrderChanged(Envelope):
    event_type: Literal["purchase_order_changed"] = "purchase_order_changed"
    payload: PurchaseOrderChangedPayload


class PoReceiptRecorded(Envelope):
    event_type: Literal["po_receipt_recorded"] = "po_receipt_recorded"
    payload: PoReceiptRecordedPayload


class SupplierPayableChanged(Envelope):
    event_type: Literal["supplier_payable_changed"] = "supplier_payable_changed"
    payload: SupplierPayableChangedPayload


class ConsignmentPushed(Envelope):
    event_type: Literal["consignment_pushed"] = "consignment_pushed"
    payload: ConsignmentPushPayload


class ConsignmentPushFailed(Envelope):
    event_type: Literal["consignment_push_failed"] = "consignment_push_failed"
    payload: ConsignmentPushPayload


PROCUREMENT_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (SupplierChanged, SupplierContractChanged, PurchaseOrderChanged,
              PoReceiptRecorded, SupplierPayableChanged, ConsignmentPushed,
              ConsignmentPushFailed)
}
