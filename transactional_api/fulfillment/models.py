"""Shipments and their tracking, the sandbox carrier's own schedule, and invoices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class Shipment(Base):
    """One parcel: one or more packed sub-orders of one buyer, merchant and address."""

    __tablename__ = "shipments"
    __table_args__ = (
        UniqueConstraint("carrier", "tracking_number", name="uq_shipments_carrier_tracking"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    carrier: Mapped[str] = mapped_column(String(32))
    tracking_number: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    merchant_id: Mapped[str] = mapped_column(String(36), index=True)
    shipping_region: Mapped[str | None] = mapped_column(String(16))
    ship_to: Mapped[dict | None] = mapped_column(JSON)
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    # label_created | accepted | in_transit | out_for_delivery | exception | delivered
    status: Mapped[str] = mapped_column(String(24), index=True)
    # The furthest progress reached: an exception is a detour, not a step back.
    reached: Mapped[str] = mapped_column(String(24))
    # Carrier time of the event that set ``status``: older events never override it.
    status_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sub_orders: Mapped[list[ShipmentSubOrder]] = relationship(
        cascade="all, delete-orphan", order_by="ShipmentSubOrder.sub_order_id", lazy="selectin")


class ShipmentSubOrder(Base):
    """A sub-order travels in exactly one shipment (sub_order_id is the key)."""

    __tablename__ = "shipment_sub_orders"
    sub_order_id: Mapped[str] = mapped_column(
        ForeignKey("sub_orders.id", ondelete="CASCADE"), primary_key=True)
    shipment_id: Mapped[str] = mapped_column(
        ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[str] = mapped_column(String(36), index=True)


class TrackingEvent(Base):
    """Every distinct carrier event, applied or not (an old one still belongs in the track)."""

    __tablename__ = "tracking_events"
    __table_args__ = (
        UniqueConstraint("carrier", "carrier_event_id", name="uq_tracking_events_carrier_event"),
        Index("ix_tracking_events_shipment_time", "shipment_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"))
    carrier: Mapped[str] = mapped_column(String(32))
    carrier_event_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the carrier's time
    location: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(500))
    applied: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CarrierScheduledEvent(Base):
    """The sandbox carrier's side: events it owes us, written with the shipment and posted
    when due on the shop clock, so a restart loses none and several workers post each once."""

    __tablename__ = "carrier_scheduled_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    carrier: Mapped[str] = mapped_column(String(32))
    shipment_id: Mapped[str] = mapped_column(String(36), index=True)
    carrier_event_id: Mapped[str] = mapped_column(String(128), unique=True)
    body: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # shop clock
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # wall clock
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(Base):
    """An issued invoice: a frozen document (seller, buyer and lines copied at issue)."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_invoices_year_seq"),
        UniqueConstraint("order_id", "merchant_id", name="uq_invoices_order_merchant"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    merchant_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    sub_order_ids: Mapped[list] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    seller: Mapped[dict] = mapped_column(JSON)
    buyer: Mapped[dict] = mapped_column(JSON)
    lines: Mapped[list] = mapped_column(JSON)
    subtotal_cents: Mapped[int] = mapped_column(BigInteger)
    discount_cents: Mapped[int] = mapped_column(BigInteger)
    shipping_cents: Mapped[int] = mapped_column(BigInteger)
    tax_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InvoiceCounter(Base):
    """The last number issued per year; taken under the row's lock in the issuing
    transaction, so a rollback returns the number and the sequence has no gaps."""

    __tablename__ = "invoice_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
