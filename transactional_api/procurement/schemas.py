"""Procurement over HTTP: suppliers, contracts, purchase orders, receipts, payables."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Sku = Annotated[str, Field(min_length=1, max_length=36)]
Qty = Annotated[int, Field(strict=True, ge=1, le=1_000_000)]
Units = Annotated[int, Field(strict=True, ge=0, le=1_000_000)]
Days = Annotated[int, Field(strict=True, ge=0, le=3650)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
SupplyMode = Literal["stocked", "consignment"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SupplierIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=320)


class SupplierPatch(_In):
    name: str | None = Field(None, min_length=1, max_length=200)
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=320)
    status: Literal["active", "suspended"] | None = None


class SupplierOut(_Out):
    id: str
    name: str
    contact_name: str | None
    contact_email: str | None
    status: str
    created_at: datetime
    updated_at: datetime


class ContractIn(_In):
    sku_id: Sku
    purchase_price_cents: Annotated[int, Field(strict=True, ge=0, le=10**12)]
    currency: Currency
    lead_time_days: Days
    moq: Qty = 1
    supply_mode: SupplyMode = "stocked"
    payment_terms_days: Days = 30
    active: bool = True


class ContractOut(_Out):
    id: str
    supplier_id: str
    sku_id: str
    purchase_price_cents: int
    currency: str
    lead_time_days: int
    moq: int
    supply_mode: str
    payment_terms_days: int
    active: bool


class PoLineIn(_In):
    sku_id: Sku
    quantity: Qty
    # defaults to the supplier's contract price for the SKU
    unit_cost_cents: Annotated[int, Field(strict=True, ge=0, le=10**12)] | None = None


class PurchaseOrderIn(_In):
    supplier_id: Sku
    location_id: Sku
    lines: list[PoLineIn] = Field(min_length=1, max_length=500)

    @field_validator("lines")
    @classmethod
    def _distinct_skus(cls, lines: list[PoLineIn]) -> list[PoLineIn]:
        if len({line.sku_id for line in lines}) != len(lines):
            raise ValueError("each SKU once per purchase order")
        return lines


class PoLineOut(_Out):
    id: str
    sku_id: str
    qty_ordered: int
    qty_received: int
    qty_rejected: int
    unit_cost_cents: int


class PurchaseOrderOut(_Out):
    id: str
    supplier_id: str
    location_id: str
    status: str
    currency: str
    payment_terms_days: int
    lead_time_days: int
    source: str
    amount_cents: int
    created_at: datetime
    approved_at: datetime | None
    sent_at: datetime | None
    expected_at: datetime | None
    received_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    lines: list[PoLineOut]


class TransitionIn(_In):
    to: Literal["approved", "sent", "closed", "cancelled"]


class ReceiptLineIn(_In):
    sku_id: Sku
    accepted: Units = 0
    rejected: Units = 0


class ReceiptIn(_In):
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=500)


class PayableOut(_Out):
    id: str
    receipt_id: str
    po_id: str
    supplier_id: str
    amount_cents: int
    currency: str
    status: str
    due_at: datetime
    paid_at: datetime | None


class ReceiptOut(_Out):
    id: str
    po_id: str
    accepted_units: int
    rejected_units: int
    amount_cents: int
    currency: str
    lines: list[dict]
    received_at: datetime
    po_status: str
    payable: PayableOut | None


class PushOut(_Out):
    id: str
    sub_order_id: str
    order_id: str
    supplier_id: str
    lines: list[dict]
    status: str
    attempts: int
    next_at: datetime
    last_error: str | None
    supplier_ref: str | None
    shipment_id: str | None
    tracking_number: str | None


class TrackingCallbackIn(_In):
    """What a supplier posts, signed, when it ships a consignment sub-order."""

    push_id: Annotated[str, Field(min_length=1, max_length=36)]
    carrier: Annotated[str, Field(min_length=1, max_length=40)]
    tracking_number: Annotated[str, Field(min_length=1, max_length=100)]
