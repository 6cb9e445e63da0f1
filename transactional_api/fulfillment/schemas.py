"""Request and response bodies of the fulfilment API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

SubOrderId = Annotated[str, Field(min_length=1, max_length=36)]


class ShipmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sub_order_ids: list[SubOrderId] = Field(min_length=1, max_length=50)
    carrier: str = Field(min_length=1, max_length=32)
    tracking_number: str | None = Field(None, min_length=1, max_length=64,
                                        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

    @field_validator("sub_order_ids")
    @classmethod
    def _distinct(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise ValueError("sub_order_ids must not repeat")
        return ids


class TrackingEventOut(BaseModel):
    status: str
    occurred_at: datetime
    location: str | None
    description: str | None
    applied: bool


class ShipmentOut(BaseModel):
    id: str
    carrier: str
    tracking_number: str
    status: str
    merged: bool
    merchant_id: str
    shipping_region: str | None
    sub_order_ids: list[str]
    order_ids: list[str]
    shipped_at: datetime
    delivered_at: datetime | None
    events: list[TrackingEventOut] = []


class TrackingOut(BaseModel):
    order_id: str
    status: str
    shipments: list[ShipmentOut]


class MergeGroupOut(BaseModel):
    user_id: str
    merchant_id: str
    shipping_region: str | None
    ship_to: dict | None
    sub_order_ids: list[str]
    order_ids: list[str]


class MergeableOut(BaseModel):
    groups: list[MergeGroupOut]


class CallbackOut(BaseModel):
    outcome: str  # applied | recorded | duplicate


class CompleteDueOut(BaseModel):
    completed: int


class DeliverDueOut(BaseModel):
    delivered: int


class InvoiceLineOut(BaseModel):
    sku_id: str
    product_id: str
    product_name: str
    sku_name: str
    quantity: int
    list_price_cents: int
    unit_price_cents: int
    discount_cents: int
    net_cents: int
    tax_cents: int
    total_cents: int


class InvoiceOut(BaseModel):
    id: str
    number: str
    order_id: str
    issued_at: datetime
    currency: str
    seller: dict
    buyer: dict
    sub_order_ids: list[str]
    lines: list[InvoiceLineOut]
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int
    total_cents: int


class InvoicesOut(BaseModel):
    """One invoice per seller (merchant) of the order."""

    order_id: str
    invoices: list[InvoiceOut]
