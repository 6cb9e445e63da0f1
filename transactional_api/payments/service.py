"""Payments: attempts against an order and the provider notifications that settle them.

Each notification is recorded in the payment_events ledger under the provider's event id
(unique), so a notification delivered twice has its effect once. The first terminal
outcome of a payment wins; anything later is recorded and ignored.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.orders import service as orders
from transactional_api.payments.models import Payment, PaymentEvent
from transactional_api.payments.schemas import CallbackIn

PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
# Money arrived for an order that can no longer take it (cancelled meanwhile): owe a refund.
REFUND_DUE = "refund_due"


def create_payment(*, session: Session, order_id: str, user_id: str, channel: str,
                   idempotency_key: str | None) -> tuple[Payment, bool]:
    order = orders.payable(session=session, order_id=order_id, user_id=user_id)
    if idempotency_key:
        existing = session.scalar(select(Payment).where(
            Payment.order_id == order.id, Payment.idempotency_key == idempotency_key))
        if existing is not None:
            return existing, False
    if session.scalar(select(Payment.id).where(Payment.order_id == order.id,
                                               Payment.status == PENDING)):
        raise Conflict("a payment for this order is already in progress",
                       code="payment_in_progress")
    now = clock.now()
    payment = Payment(order_id=order.id, channel=channel, amount_cents=order.total_cents,
                      currency=order.currency, status=PENDING, idempotency_key=idempotency_key,
                      created_at=now, updated_at=now)
    session.add(payment)
    session.flush()
    return payment, True


def get_payment(*, session: Session, payment_id: str, user_id: str | None) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("payment not found")
    if user_id is not None:
        orders.get_order(session=session, order_id=payment.order_id, user_id=user_id)
    return payment


def handle_callback(*, session: Session, event: CallbackIn, raw: str) -> str:
    """Apply one verified provider notification; returns what it did."""
    payment = session.scalar(select(Payment).where(Payment.id == event.payment_id)
                             .with_for_update())
    if payment is None:
        raise NotFound("payment not found")
    try:
        with session.begin_nested():
            entry = PaymentEvent(payment_id=payment.id, provider_event_id=event.provider_event_id,
                                 kind=event.status, occurred_at=event.occurred_at,
                                 received_at=clock.real_now(), outcome="received", raw=raw)
            session.add(entry)
            session.flush()
    except IntegrityError:
        return "duplicate"
    entry.outcome = _apply(session, payment, event)
    return entry.outcome


def _apply(session: Session, payment: Payment, event: CallbackIn) -> str:
    if payment.status != PENDING:
        return f"ignored_{payment.status}"
    if (event.amount_cents, event.currency) != (payment.amount_cents, payment.currency):
        return "ignored_amount_mismatch"
    payment.updated_at = event.occurred_at
    if event.status == FAILED:
        payment.status = FAILED
        payment.failure_reason = event.reason or "declined"
        orders.record_payment_failure(session=session, order_id=payment.order_id,
                                      payment_id=payment.id, reason=payment.failure_reason,
                                      occurred_at=event.occurred_at)
        return "failed"
    if orders.mark_paid(session=session, order_id=payment.order_id, payment_id=payment.id,
                        amount_cents=payment.amount_cents, paid_at=event.occurred_at):
        payment.status = SUCCEEDED
        return "paid"
    payment.status = REFUND_DUE
    return REFUND_DUE


def ledger(*, session: Session, payment_id: str) -> list[dict]:
    rows = session.scalars(select(PaymentEvent).where(PaymentEvent.payment_id == payment_id)
                           .order_by(PaymentEvent.id))
    return [{"provider_event_id": r.provider_event_id, "kind": r.kind, "outcome": r.outcome,
             "occurred_at": r.occurred_at.isoformat(), "raw": json.loads(r.raw)} for r in rows]
