"""Procurement tables: suppliers, their contracts per SKU, purchase orders with lines and
receipts, the payables receipts create, and consignment pushes to suppliers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class Supplier(Base):
    __tablename__ = "procurement_suppliers"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'suspended')", name="ck_proc_suppliers_status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(12), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupplierContract(Base):
    """What a supplier charges for one SKU and how it delivers it."""

    __tablename__ = "procurement_contracts"
    __table_args__ = (
        UniqueConstraint("supplier_id", "sku_id", name="uq_proc_contracts_supplier_sku"),
        CheckConstraint("purchase_price_cents >= 0", name="ck_proc_contracts_price"),
        CheckConstraint("lead_time_days >= 0", name="ck_proc_contracts_lead"),
        CheckConstraint("moq >= 1", name="ck_proc_contracts_moq"),
        CheckConstraint("payment_terms_days >= 0", name="ck_proc_contracts_terms"),
        CheckConstraint("supply_mode IN ('stocked', 'consignment')",
                        name="ck_proc_contracts_mode"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    supplier_id: Mapped[str] = mapped_column(ForeignKey("procurement_suppliers.id"))
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"), index=True)
    purchase_price_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    lead_time_days: Mapped[int] = mapped_column(Integer)
    moq: Mapped[int] = mapped_column(Integer, default=1)
    supply_mode: Mapped[str] = mapped_column(String(12), default="stocked")
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PurchaseOrder(Base):
    """draft -> approved -> sent -> partially_received -> received -> closed; cancelled
    from draft, approved or sent. Each step's time is kept for lead-time figures."""

    __tablename__ = "procurement_purchase_orders"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'approved', 'sent', 'partially_received', "
                        "'received', 'closed', 'cancelled')", name="ck_proc_pos_status"),
        CheckConstraint("payment_terms_days >= 0", name="ck_proc_pos_terms"),
        Index("ix_proc_pos_supplier_status", "supplier_id", "status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    supplier_id: Mapped[str] = mapped_column(ForeignKey("procurement_suppliers.id"))
    location_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    currency: Mapped[str] = mapped_column(String(3))
    payment_terms_days: Mapped[int] = mapped_column(Integer)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(40), default="manual")
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PurchaseOrderLine(Base):
    __tablename__ = "procurement_po_lines"
    __table_args__ = (
        UniqueConstraint("po_id", "sku_id", name="uq_proc_po_lines_sku"),
        CheckConstraint("qty_ordered > 0", name="ck_proc_po_lines_ordered"),
        CheckConstraint("qty_received >= 0 AND qty_received <= qty_ordered",
                        name="ck_proc_po_lines_received"),
        CheckConstraint("qty_rejected >= 0", name="ck_proc_po_lines_rejected"),
        CheckConstraint("unit_cost_cents >= 0", name="ck_proc_po_lines_cost"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    po_id: Mapped[str] = mapped_column(ForeignKey("procurement_purchase_orders.id"),
                                       index=True)
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"))
    qty_ordered: Mapped[int] = mapped_column(Integer)
    # accepted units so far; rejected ones do not count against the order
    qty_received: Mapped[int] = mapped_column(Integer, default=0)
    qty_rejected: Mapped[int] = mapped_column(Integer, default=0)
    unit_cost_cents: Mapped[int] = mapped_column(BigInteger)


class Receipt(Base):
    __tablename__ = "procurement_receipts"
    __table_args__ = (
        CheckConstraint("accepted_units >= 0 AND rejected_units >= 0 AND "
                        "accepted_units + rejected_units > 0", name="ck_proc_receipts_units"),
        CheckConstraint("amount_cents >= 0", name="ck_proc_receipts_amount"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    po_id: Mapped[str] = mapped_column(ForeignKey("procurement_purchase_orders.id"),
                                       index=True)
    accepted_units: Mapped[int] = mapped_column(Integer)
    rejected_units: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # per line: [{"line_id", "sku_id", "accepted", "rejected"}]
    lines: Mapped[list] = mapped_column(JSON)
    received_by: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payable(Base):
    """What the shop owes a supplier for one receipt's accepted units, due on terms."""

    __tablename__ = "procurement_payables"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'paid')", name="ck_proc_payables_status"),
        CheckConstraint("amount_cents > 0", name="ck_proc_payables_amount"),
        Index("ix_proc_payables_status_due", "status", "due_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("procurement_receipts.id"),
                                            unique=True)
    po_id: Mapped[str] = mapped_column(String(36))
    supplier_id: Mapped[str] = mapped_column(ForeignKey("procurement_suppliers.id"),
                                             index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(8), default="open")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_by: Mapped[str | None] = mapped_column(String(36))


class ConsignmentPush(Base):
    """One consignment sub-order's lines sent to one supplier: pending (retried with
    backoff at next_at) -> pushed -> shipped (the supplier's signed tracking callback)."""

    __tablename__ = "procurement_pushes"
    __table_args__ = (
        UniqueConstraint("sub_order_id", "supplier_id", name="uq_proc_pushes_sub_order"),
        CheckConstraint("status IN ('pending', 'pushed', 'shipped')",
                        name="ck_proc_pushes_status"),
        CheckConstraint("attempts >= 0", name="ck_proc_pushes_attempts"),
        Index("ix_proc_pushes_status_next", "status", "next_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sub_order_id: Mapped[str] = mapped_column(String(36))
    order_id: Mapped[str] = mapped_column(String(36), index=True)
    supplier_id: Mapped[str] = mapped_column(ForeignKey("procurement_suppliers.id"))
    # [{"order_item_id", "sku_id", "quantity"}]
    lines: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    supplier_ref: Mapped[str | None] = mapped_column(String(100))
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipment_id: Mapped[str | None] = mapped_column(String(36))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcurementCursor(Base):
    """Where the consignment consumer is in the outbox (events/follower.py)."""

    __tablename__ = "procurement_cursors"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
