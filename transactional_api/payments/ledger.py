"""The per-payment transaction ledger and the payment events that go with each entry.

Every money movement of a payment is a payment_transactions row, written in the same
transaction as the change of the payment's totals and its outbox event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import NotFound
from transactional_api.events import payment_events as pe
from transactional_api.events.contract import Context
from transactional_api.events.outbox import emit
from transactional_api.orders.models import Order
from transactional_api.payments.models import Payment, PaymentEvent, PaymentTransaction, Refund


def record(session: Session, payment: Payment, *, kind: str, amount_cents: int,
           occurred_at: datetime, provider_reference: str | None = None,
           refund_id: str | None = None) -> PaymentTransaction:
    entry = PaymentTransaction(payment_id=payment.id, kind=kind, amount_cents=amount_cents,
                               currency=payment.currency, provider_reference=provider_reference,
                               refund_id=refund_id, occurred_at=occurred_at,
                               recorded_at=clock.real_now())
    session.add(entry)
    return entry


def emit_for_order(session: Session, *, order_id: str, event_cls, payload: dict,
                   occurred_at: datetime) -> None:
    """Stage a payment event carrying the order's shopper and campaign context."""
    # Usually already in the session (the payment's transaction loaded it): no query then.
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound("order not found")
    emit(session=session, event=event_cls(
        occurred_at=occurred_at, user_id=order.user_id, anonymous_id=order.anonymous_id,
        session_id=order.session_id,
        context=Context(utm_source=order.utm_source, utm_medium=order.utm_medium,
                        utm_campaign=order.utm_campaign),
        payload=payload))


def started(session: Session, payment: Payment) -> None:
    emit_for_order(session, order_id=payment.order_id, event_cls=pe.PaymentStarted,
                   occurred_at=payment.created_at, payload=_money(payment))


def authorized(session: Session, payment: Payment, occurred_at: datetime,
               provider_reference: str | None) -> None:
    record(session, payment, kind="authorized", amount_cents=payment.amount_cents,
           occurred_at=occurred_at, provider_reference=provider_reference)
    emit_for_order(session, order_id=payment.order_id, event_cls=pe.PaymentAuthorized,
                   occurred_at=occurred_at,
                   payload={**_money(payment), "card_last4": payment.card_last4})


def captured(session: Session, payment: Payment, occurred_at: datetime,
             provider_reference: str | None) -> None:
    payment.captured_cents = payment.amount_cents
    payment.captured_at = occurred_at
    record(session, payment, kind="captured", amount_cents=payment.amount_cents,
           occurred_at=occurred_at, provider_reference=provider_reference)
    emit_for_order(session, order_id=payment.order_id, event_cls=pe.PaymentCaptured,
                   occurred_at=occurred_at,
                   payload={**_money(payment), "provider_reference": provider_reference})


def failed(session: Session, payment: Payment, occurred_at: datetime,
           provider_reference: str | None) -> None:
    record(session, payment, kind="failed", amount_cents=payment.amount_cents,
           occurred_at=occurred_at, provider_reference=provider_reference)


def refunded(session: Session, payment: Payment, refund: Refund, *, amount_cents: int,
             provider_reference: str, occurred_at: datetime) -> None:
    record(session, payment, kind="refunded", amount_cents=amount_cents,
           occurred_at=occurred_at, provider_reference=provider_reference, refund_id=refund.id)
    emit_for_order(session, order_id=payment.order_id, event_cls=pe.RefundSucceeded,
                   occurred_at=occurred_at, payload={
                       "refund_id": refund.id, "payment_id": payment.id,
                       "order_id": payment.order_id, "amount_cents": amount_cents,
                       "currency": payment.currency, "reason": refund.reason,
                       "channel": payment.channel, "provider_reference": provider_reference})


def history(session: Session, payment_id: str) -> tuple[list[PaymentTransaction],
                                                         list[PaymentEvent], list[Refund]]:
    """The payment's ledger, its provider notifications and the refunds drawing on it."""
    txns = list(session.scalars(select(PaymentTransaction).where(
        PaymentTransaction.payment_id == payment_id).order_by(PaymentTransaction.id)))
    events = list(session.scalars(select(PaymentEvent).where(
        PaymentEvent.payment_id == payment_id).order_by(PaymentEvent.id)))
    refund_ids = [t.refund_id for t in txns if t.refund_id]
    refunds = list(session.scalars(select(Refund).where(Refund.id.in_(refund_ids))
                                   .order_by(Refund.created_at, Refund.id))) if refund_ids else []
    return txns, events, refunds


def _money(payment: Payment) -> dict:
    return {"payment_id": payment.id, "order_id": payment.order_id, "channel": payment.channel,
            "amount_cents": payment.amount_cents, "currency": payment.currency}
