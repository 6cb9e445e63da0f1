"""Invoices for completed orders: one per seller (merchant) of the order.

One per merchant, not one per order: each merchant is the seller of its goods, and an
invoice names exactly one seller. A merchant whose goods came from two locations (two
sub-orders) still issues one invoice for the order; cancelled sub-orders are left out.

Numbers are gap-free per year (INV-2026-000001, ...): the year's counter row is
incremented in the issuing transaction, so the row lock orders concurrent issuers and a
rollback gives the number back. Issuing is idempotent: the parent order is locked first
and invoices already issued for it are returned instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts.contacts import public_email
from transactional_api.accounts.models import User
from transactional_api.catalog.models import Merchant
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events import fulfilment_events as fe
from transactional_api.events.outbox import emit
from transactional_api.fulfillment.models import Invoice, InvoiceCounter
from transactional_api.orders import service as orders
from transactional_api.orders import state
from transactional_api.orders.models import Order, SubOrder


def number_of(year: int, seq: int) -> str:
    return f"INV-{year}-{seq:06d}"


def issue(session: Session, *, order_id: str, user_id: str | None,
          now: datetime) -> tuple[list[Invoice], bool]:
    """(the order's invoices, whether they were issued by this call). ``user_id`` None is
    an operator; anyone else sees only their own orders (404 otherwise)."""
    order = orders.get_order(session=session, order_id=order_id, user_id=user_id, lock=True)
    existing = invoices_of(session, order.id)
    if existing:
        return existing, False
    if order.status != state.COMPLETED:
        raise Conflict("an invoice is issued once the order is completed",
                       code="order_not_completed", details={"status": order.status})
    buyer = _buyer(session, order)
    issued = []
    for merchant_id, subs in _by_merchant(order):
        seq = next_seq(session, now.year)
        ids = {s.id for s in subs}
        items = [i for i in order.items if i.sub_order_id in ids]
        invoice = Invoice(
            number=number_of(now.year, seq), year=now.year, seq=seq, order_id=order.id,
            merchant_id=merchant_id, user_id=order.user_id,
            sub_order_ids=[s.id for s in subs], currency=order.currency,
            seller=_seller(session, merchant_id), buyer=buyer,
            lines=[_line(i) for i in items],
            subtotal_cents=sum(s.subtotal_cents for s in subs),
            discount_cents=sum(s.discount_cents for s in subs),
            shipping_cents=sum(s.shipping_cents for s in subs),
            tax_cents=sum(s.tax_cents for s in subs),
            total_cents=sum(s.total_cents for s in subs), issued_at=now)
        session.add(invoice)
        session.flush()
        emit(session=session, event=fe.InvoiceIssued(
            occurred_at=now, user_id=order.user_id, payload=fe.InvoiceIssuedPayload(
                invoice_id=invoice.id, number=invoice.number, order_id=order.id,
                merchant_id=merchant_id, sub_order_ids=invoice.sub_order_ids,
                currency=invoice.currency, subtotal_cents=invoice.subtotal_cents,
                discount_cents=invoice.discount_cents, shipping_cents=invoice.shipping_cents,
                tax_cents=invoice.tax_cents, total_cents=invoice.total_cents)))
        issued.append(invoice)
    return issued, True


def next_seq(session: Session, year: int) -> int:
    """The next number of ``year``, taken under the counter row's lock (held until the
    caller's transaction ends)."""
    bump = (update(InvoiceCounter).where(InvoiceCounter.year == year)
            .values(last_seq=InvoiceCounter.last_seq + 1)
            .returning(InvoiceCounter.last_seq))
    seq = session.execute(bump).scalar()
    if seq is None:  # the year's first invoice: create its row (a racing issuer may too)
        try:
            with session.begin_nested():
                session.add(InvoiceCounter(year=year, last_seq=0))
        except IntegrityError:
            pass
        seq = session.execute(bump).scalar_one()
    return seq


def invoices_of(session: Session, order_id: str) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(Invoice.order_id == order_id)
                                .order_by(Invoice.seq)))


def get_invoices(session: Session, *, order_id: str, user_id: str | None) -> list[Invoice]:
    order = orders.get_order(session=session, order_id=order_id, user_id=user_id)
    found = invoices_of(session, order.id)
    if not found:
        raise NotFound("no invoice has been issued for this order", code="invoice_not_found")
    return found


def _by_merchant(order: Order) -> list[tuple[str, list[SubOrder]]]:
    groups: dict[str, list[SubOrder]] = {}
    for sub in order.sub_orders:  # in seq order: merchants appear as the order lists them
        if sub.status != state.SUB_CANCELLED:
            groups.setdefault(sub.merchant_id, []).append(sub)
    return list(groups.items())


def _seller(session: Session, merchant_id: str) -> dict:
    m = session.get(Merchant, merchant_id)
    if m is None:  # a merchant row is never deleted; keep the id if one ever is
        return {"merchant_id": merchant_id, "name": merchant_id, "city": None, "region": None}
    return {"merchant_id": m.id, "name": m.name, "city": m.city, "region": m.region}


def _buyer(session: Session, order: Order) -> dict:
    # None for an account with no email (signed up by phone, or erased): accounts/contacts.py
    email = public_email(session.scalar(select(User.email).where(User.id == order.user_id)))
    ship_to = order.ship_to or {}
    return {"user_id": order.user_id, "email": email, "name": ship_to.get("name"),
            "address": ship_to or None, "shipping_region": order.shipping_region}


def _line(item) -> dict:
    return {"sku_id": item.sku_id, "product_id": item.product_id,
            "product_name": item.product_name, "sku_name": item.sku_name,
            "quantity": item.quantity, "list_price_cents": item.list_price_cents,
            "unit_price_cents": item.unit_price_cents, "discount_cents": item.discount_cents,
            "net_cents": item.line_total_cents, "tax_cents": item.tax_cents,
            "total_cents": item.line_total_cents + item.tax_cents}
