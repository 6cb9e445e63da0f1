"""Money back for part of an order, through the channel that took it (payments domain)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from transactional_api.orders.models import Order, SubOrder


def refund_sub_order(*, session: Session, order: Order, sub: SubOrder, amount_cents: int,
                     reason: str, reference: str, actor_id: str | None) -> int:
    """Returns the cents refunded (0 when nothing was captured for the order)."""
    if amount_cents <= 0:
        return 0
    # Imported here: payments calls orders (mark_paid), so orders may not import it at load.
    from transactional_api.payments import service as payments
    refund = getattr(payments, "refund", None)
    if refund is None:  # until the payments domain refunds by itself: owe it visibly
        from transactional_api.core import clock
        from transactional_api.orders import service as orders
        orders.record_refund_due(session=session, order_id=order.id, payment_id=order.id,
                                 amount_cents=amount_cents, currency=order.currency,
                                 reason=reason, occurred_at=clock.now())
        return amount_cents
    refund(session=session, order_id=order.id, amount_cents=amount_cents, reason=reason,
           reference=reference, actor_id=actor_id)
    return amount_cents
