"""Receiving a purchase order: accepted units enter stock through the inventory ledger
(reason po_receipt), rejected ones are only counted; each receipt with accepted units
creates one supplier payable, due after the PO's payment terms.

Concurrency: the PO row is locked first (FOR UPDATE on PostgreSQL; SQLite serialises
writers), then the stock rows in (sku_id, warehouse_id) order as inventory requires, and
each line's UPDATE repeats the over-receipt bound, so two receipts racing for the last
units cannot both land."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.outbox import emit
from transactional_api.events.procurement_events import (
    PoReceiptRecorded,
    PoReceiptRecordedPayload,
    SupplierPayableChanged,
    SupplierPayableChangedPayload,
)
from transactional_api.inventory.ledger import move
from transactional_api.inventory.service import ensure_level
from transactional_api.procurement.models import Payable, PurchaseOrderLine, Receipt
from transactional_api.procurement.schemas import PayableOut, ReceiptIn, ReceiptOut
from transactional_api.procurement.service import lock_po, set_status

RECEIVABLE = ("sent", "partially_received")


def _payable_event(session: Session, p: Payable) -> None:
    emit(session=session, event=SupplierPayableChanged(
        occurred_at=p.paid_at or p.created_at, payload=SupplierPayableChangedPayload(
            payable_id=p.id, receipt_id=p.receipt_id, po_id=p.po_id,
            supplier_id=p.supplier_id, amount_cents=p.amount_cents, currency=p.currency,
            status=p.status, due_at=p.due_at)))


def record_receipt(*, session: Session, po_id: str, data: ReceiptIn,
                   actor_id: str | None = None) -> ReceiptOut:
    po = lock_po(session, po_id)
    if po.status not in RECEIVABLE:
        raise Conflict(f"a {po.status} purchase order cannot be received",
                       code="po_not_receivable", details={"status": po.status})
    lines = {x.sku_id: x for x in session.scalars(
        select(PurchaseOrderLine).where(PurchaseOrderLine.po_id == po.id)
        .with_for_update().execution_options(populate_existing=True))}
    given: dict[str, tuple[int, int]] = {}
    for item in data.lines:
        if item.sku_id not in lines:
            raise Unprocessable("this SKU is not on the purchase order", code="not_on_po",
                                details={"sku_id": item.sku_id})
        if item.sku_id in given:
            raise Unprocessable("each SKU once per receipt", code="duplicate_line",
                                details={"sku_id": item.sku_id})
        given[item.sku_id] = (item.accepted, item.rejected)
    over = {s: lines[s].qty_ordered - lines[s].qty_received
            for s, (acc, _) in given.items() if acc > lines[s].qty_ordered - lines[s].qty_received}
    if over:
        raise Unprocessable("more units accepted than are still open on the order",
                            code="over_receipt", details={"open": over})
    accepted = sum(a for a, _ in given.values())
    rejected = sum(r for _, r in given.values())
    if accepted + rejected == 0:
        raise Unprocessable("a receipt needs units", code="empty_receipt")
    now = clock.now()
    for sku_id in sorted(s for s, (a, _) in given.items() if a):
        ensure_level(session=session, sku_id=sku_id, warehouse_id=po.location_id)
    for sku_id in sorted(given):
        acc, rej = given[sku_id]
        line = lines[sku_id]
        done = session.execute(
            update(PurchaseOrderLine)
            .where(PurchaseOrderLine.id == line.id,
                   PurchaseOrderLine.qty_received + acc <= PurchaseOrderLine.qty_ordered)
            .values(qty_received=PurchaseOrderLine.qty_received + acc,
                    qty_rejected=PurchaseOrderLine.qty_rejected + rej)
            .execution_options(synchronize_session=False)).rowcount
        if done != 1:  # only reachable if the lock above was bypassed; never over-receive
            raise Conflict("the purchase order changed meanwhile", code="over_receipt_race")
        if acc:
            move(session, sku_id=sku_id, warehouse_id=po.location_id, on_hand=acc,
                 reason="po_receipt", actor_id=actor_id, note=f"po {po.id}", at=now)
    amount = sum(given[s][0] * lines[s].unit_cost_cents for s in given)
    receipt = Receipt(
        po_id=po.id, accepted_units=accepted, rejected_units=rejected, amount_cents=amount,
        currency=po.currency, received_by=actor_id, received_at=now,
        lines=[{"line_id": lines[s].id, "sku_id": s, "accepted": a, "rejected": r}
               for s, (a, r) in sorted(given.items())])
    session.add(receipt)
    session.flush()
    emit(session=session, event=PoReceiptRecorded(occurred_at=now, payload=(
        PoReceiptRecordedPayload(receipt_id=receipt.id, po_id=po.id,
                                 supplier_id=po.supplier_id, location_id=po.location_id,
                                 accepted=accepted, rejected=rejected, amount_cents=amount,
                                 currency=po.currency))))
    payable = None
    if amount > 0:
        payable = Payable(receipt_id=receipt.id, po_id=po.id, supplier_id=po.supplier_id,
                          amount_cents=amount, currency=po.currency, status="open",
                          due_at=now + timedelta(days=po.payment_terms_days), created_at=now)
        session.add(payable)
        session.flush()
        _payable_event(session, payable)
    open_units = sum(x.qty_ordered - x.qty_received - given.get(s, (0, 0))[0]
                     for s, x in lines.items())
    to = "received" if open_units == 0 else "partially_received"
    if accepted and to != po.status:
        set_status(session, po, to)
    return ReceiptOut(
        id=receipt.id, po_id=po.id, accepted_units=accepted, rejected_units=rejected,
        amount_cents=amount, currency=po.currency, lines=receipt.lines,
        received_at=receipt.received_at, po_status=po.status,
        payable=PayableOut.model_validate(payable) if payable else None)


def list_receipts(*, session: Session, po_id: str) -> list[Receipt]:
    return list(session.scalars(select(Receipt).where(Receipt.po_id == po_id)
                                .order_by(Receipt.received_at, Receipt.id)))


def pay(*, session: Session, payable_id: str, actor_id: str | None = None) -> PayableOut:
    """Mark paid once; paying again is 409 and changes nothing."""
    p = session.scalar(select(Payable).where(Payable.id == payable_id).with_for_update()
                       .execution_options(populate_existing=True))
    if p is None:
        raise NotFound("payable not found", code="payable_not_found")
    if p.status == "paid":
        raise Conflict("this payable is already paid", code="payable_already_paid")
    p.status, p.paid_at, p.paid_by = "paid", clock.now(), actor_id
    session.flush()
    _payable_event(session, p)
    return PayableOut.model_validate(p)


def list_payables(*, session: Session, supplier_id: str | None = None,
                  status: str | None = None, limit: int = 200) -> list[PayableOut]:
    stmt = select(Payable).order_by(Payable.due_at, Payable.id).limit(limit)
    if supplier_id:
        stmt = stmt.where(Payable.supplier_id == supplier_id)
    if status:
        stmt = stmt.where(Payable.status == status)
    return [PayableOut.model_validate(p) for p in session.scalars(stmt)]
