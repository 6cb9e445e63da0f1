"""Money back for part of an order, through the channel that took it (payments domain)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from transactional_api.orders.models import Order


def refund_order_part(*, session: Session, order: Order, amount_cents: int, reason: str,
                      reference: str, actor_id: str | None) -> int:
    """Refunds ``amount_cents`` of the order (422 refund_exceeds_captured when less is
    left); returns the cents refunded. ``reference`` makes a repeat a no-op."""
    if amount_cents <= 0:
        return 0
    # Imported here: payments calls orders (mark_paid), so orders may not import it at load.
    from transactional_api.payments import service as payments
    payments.refund(session=session, order_id=order.id, amount_cents=amount_cents,
                    reason=reason, reference=reference, actor_id=actor_id)
    return amount_cents
