"""After-sales requests and their lines (the units of one sub-order's order lines)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class AfterSalesRequest(Base):
    """One shopper request on one sub-order; ``status`` runs the machine in machine.py."""

    __tablename__ = "after_sales_requests"
    __table_args__ = (
        CheckConstraint("refunded_cents >= 0 AND exchanged_cents >= 0",
                        name="ck_after_sales_money_nonneg"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    sub_order_id: Mapped[str] = mapped_column(
        ForeignKey("sub_orders.id", ondelete="CASCADE"), index=True)
    # The sub-order's id while the request is open, NULL once closed: a unique column, so
    # the database itself refuses a second open request on one sub-order.
    open_sub_order_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    merchant_id: Mapped[str] = mapped_column(String(36), index=True)
    type: Mapped[str] = mapped_column(String(16))  # refund_only | return_refund | exchange
    status: Mapped[str] = mapped_column(String(24), index=True)
    resolution: Mapped[str | None] = mapped_column(String(24))
    reason_code: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(String(500))
    exchange_sku_id: Mapped[str | None] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3))
    requested_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    exchanged_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    refund_id: Mapped[str | None] = mapped_column(String(36))
    replacement_sub_order_id: Mapped[str | None] = mapped_column(String(36))
    decision: Mapped[str | None] = mapped_column(String(8))  # approve | reject
    decision_reason: Mapped[str | None] = mapped_column(String(200))
    decided_by: Mapped[str | None] = mapped_column(String(36))
    carrier: Mapped[str | None] = mapped_column(String(50))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    inspection_note: Mapped[str | None] = mapped_column(String(500))
    inspected_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lines: Mapped[list[AfterSalesLine]] = relationship(
        cascade="all, delete-orphan", order_by="AfterSalesLine.id", lazy="selectin")


class AfterSalesLine(Base):
    """Units of one order item. ``settled_quantity`` is what the request finally took back
    or cancelled (refunded or exchanged); it counts against what can still be requested."""

    __tablename__ = "after_sales_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_after_sales_lines_qty_pos"),
        CheckConstraint("accepted_quantity IS NULL OR "
                        "(accepted_quantity >= 0 AND accepted_quantity <= quantity)",
                        name="ck_after_sales_lines_accepted_range"),
        CheckConstraint("settled_quantity >= 0 AND settled_quantity <= quantity",
                        name="ck_after_sales_lines_settled_range"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(
        ForeignKey("after_sales_requests.id", ondelete="CASCADE"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"),
                                               index=True)
    sku_id: Mapped[str] = mapped_column(String(36))
    warehouse_id: Mapped[str | None] = mapped_column(String(36))
    quantity: Mapped[int] = mapped_column(Integer)
    accepted_quantity: Mapped[int | None] = mapped_column(Integer)
    settled_quantity: Mapped[int] = mapped_column(Integer, default=0)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
