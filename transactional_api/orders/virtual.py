"""Virtual lines are fulfilled the moment their order is paid; a line the supplier refuses
is owed back to the shopper at once (a payment_refund_due for the line's amount)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.events import contract as ev
from transactional_api.events.catalog_events import VirtualFulfilment, VirtualFulfilmentPayload
from transactional_api.events.outbox import emit
from transactional_api.fulfillment.virtual import SUPPLIER, VirtualSupplier
from transactional_api.orders import state, suborders


def fulfil_lines(*, session: Session, order, payment_id: str, at: datetime | None = None,
                 supplier: VirtualSupplier | None = None) -> int:
    """Returns the cents owed back for lines the supplier refused."""
    supplier = supplier or SUPPLIER
    owed = 0
    now = at or clock.now()
    for item in order.items:
        if item.sku_kind != "virtual" or item.fulfilment_status is not None:
            continue
        result = supplier.fulfil(sku_code=item.sku_id, quantity=item.quantity,
                                 recipient=item.recipient or "", order_id=order.id)
        item.fulfilment_status = "fulfilled" if result.ok else "failed"
        item.supplier_reference = result.reference
        emit(session=session, event=VirtualFulfilment(
            occurred_at=now, user_id=order.user_id, session_id=order.session_id,
            anonymous_id=order.anonymous_id, payload=VirtualFulfilmentPayload(
                order_id=order.id, sku_id=item.sku_id, quantity=item.quantity,
                status=item.fulfilment_status, amount_cents=item.line_total_cents,
                currency=order.currency, supplier_reference=result.reference,
                reason=result.reason)))
        if not result.ok:
            owed += item.line_total_cents + item.tax_cents - item.points_discount_cents
    _settle_sub_orders(session, order, now)
    if owed:
        emit(session=session, event=ev.PaymentRefundDue(
            occurred_at=now, user_id=order.user_id, session_id=order.session_id,
            anonymous_id=order.anonymous_id, payload=ev.PaymentRefundDuePayload(
                order_id=order.id, payment_id=payment_id, amount_cents=owed,
                currency=order.currency, reason="virtual_fulfilment_failed")))
    return owed


def _settle_sub_orders(session: Session, order, now: datetime) -> None:
    """A virtual sub-order is delivered once its codes are out; cancelled when none were."""
    for sub in order.sub_orders:
        if sub.kind != "virtual" or sub.status != state.ALLOCATED:
            continue
        outcomes = {i.fulfilment_status for i in order.items if i.sub_order_id == sub.id}
        if outcomes == {"failed"}:
            suborders.advance(session, order, sub, state.SUB_CANCELLED,
                              reason="virtual_fulfilment_failed", at=now)
        else:
            suborders.advance(session, order, sub, state.SUB_DELIVERED, at=now)
