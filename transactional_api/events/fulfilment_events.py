"""Shipments, carriers, tracking events, automatic completion and invoices.

Completion itself is a sub-order transition (sub_order_status_changed with reason
"auto_complete"); the events here are what only fulfilment knows: which sub-orders left in
which parcel, what the carrier reported and when, and which invoice was issued.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict, UtcDateTime

Carrier = Annotated[str, Field(min_length=1, max_length=32)]
TrackingNumber = Annotated[str, Field(min_length=1, max_length=64)]
TRACKING_STATUS = Literal["accepted", "in_transit", "out_for_delivery", "exception",
                          "delivered"]
SHIPMENT_STATUS = Literal["label_created", "accepted", "in_transit", "out_for_delivery",
                          "exception", "delivered"]


class ShipmentCreatedPayload(Strict):
    """Sub-orders handed to a carrier; merged when several travel as one parcel."""

    shipment_id: Id
    carrier: Carrier
    tracking_number: TrackingNumber
    merchant_id: Id
    sub_order_ids: list[Id] = Field(min_length=1)
    order_ids: list[Id] = Field(min_length=1)
    merged: bool
    shipping_region: str | None = Field(None, max_length=16)


class TrackingEventPayload(Strict):
    """One distinct carrier event (replays are dropped before this). The envelope's
    occurred_at is the carrier's time; received_at ours. ``applied`` is false for an event
    that arrived after a later one and so did not move the shipment."""

    shipment_id: Id
    carrier: Carrier
    tracking_number: TrackingNumber
    carrier_event_id: Annotated[str, Field(min_length=1, max_length=128)]
    status: TRACKING_STATUS
    location: str | None = Field(None, max_length=200)
    applied: bool
    shipment_status: SHIPMENT_STATUS
    received_at: UtcDateTime


class ShipmentDeliveredPayload(Strict):
    """The parcel arrived (carrier time): time to ship and to deliver by carrier/region."""

    shipment_id: Id
    carrier: Carrier
    tracking_number: TrackingNumber
    merchant_id: Id
    sub_order_ids: list[Id] = Field(min_length=1)
    order_ids: list[Id] = Field(min_length=1)
    shipping_region: str | None = Field(None, max_length=16)
    shipped_at: UtcDateTime
    delivered_at: UtcDateTime


class InvoiceIssuedPayload(Strict):
    invoice_id: Id
    number: Annotated[str, Field(min_length=1, max_length=32)]
    order_id: Id
    merchant_id: Id
    sub_order_ids: list[Id] = Field(min_length=1)
    currency: str = Field(min_length=3, max_length=3)
    subtotal_cents: Cents
    discount_cents: Cents
    shipping_cents: Cents
    tax_cents: Cents
    total_cents: Cents


class ShipmentCreated(Envelope):
    event_type: Literal["shipment_created"] = "shipment_created"
    payload: ShipmentCreatedPayload


class TrackingEventReceived(Envelope):
    event_type: Literal["tracking_event"] = "tracking_event"
    payload: TrackingEventPayload


class ShipmentDelivered(Envelope):
    event_type: Literal["shipment_delivered"] = "shipment_delivered"
    payload: ShipmentDeliveredPayload


class InvoiceIssued(Envelope):
    event_type: Literal["invoice_issued"] = "invoice_issued"
    payload: InvoiceIssuedPayload


FULFILMENT_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (ShipmentCreated, TrackingEventReceived, ShipmentDelivered, InvoiceIssued)
}
