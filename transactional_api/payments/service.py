"""Payments: attempts against an order and the provider notifications that settle them.

Each notification is recorded in the payment_events ledger under the provider's event id
(unique), so a notification delivered twice has its effect once. The first terminal
outcome of a payment wins, except that money is never silently kept: a capture that
arrives after the payment failed, or for an order that can no longer take it, is recorded
and the payment is marked refund_due with an event for the warehouse.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.orders import service as orders
from transactional_api.payments.channels import LookupPending, PaymentChannel, ProviderEvent
from transactional_api.payments.models import Payment, PaymentEvent

log = logging.getLogger("flywheel.payments")
PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
# Money was captured that the order cannot take: owe it back (after-sales refunds it).
REFUND_DUE = "refund_due"


def create_payment(*, session: Session, order_id: str, user_id: str, channel: PaymentChannel,
                   options: dict, idempotency_key: str | None) -> tuple[Payment, bool]:
    """Creates the payment and starts it at the channel in the same transaction."""
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
    payment = Payment(order_id=order.id, channel=channel.name, amount_cents=order.total_cents,
                      currency=order.currency, status=PENDING, idempotency_key=idempotency_key,
                      created_at=now, updated_at=now)
    session.add(payment)
    session.flush()
    channel.start(session=session, payment_id=payment.id, amount_cents=payment.amount_cents,
                  currency=payment.currency, started_at=now, options=options)
    return payment, True


def get_payment(*, session: Session, payment_id: str, user_id: str | None) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None or (user_id is not None and not orders.is_owner(
            session=session, order_id=payment.order_id, user_id=user_id)):
        raise NotFound("payment not found")
    return payment


def handle_callback(*, session: Session, event: ProviderEvent, raw: str,
                    clock_skew_seconds: int) -> str:
    """Apply one verified provider notification; returns what it did."""
    payment = session.scalar(select(Payment).where(Payment.id == event.payment_id)
                             .with_for_update())
    if payment is None:
        raise NotFound("payment not found")
    bounded = _bounded(event.occurred_at, payment, clock_skew_seconds)
    if bounded != event.occurred_at:
        log.warning("provider event time out of bounds, clamped", extra={
            "payment_id": payment.id, "occurred_at": event.occurred_at.isoformat(),
            "used": bounded.isoformat()})
        event = dataclasses.replace(event, occurred_at=bounded)
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


def _bounded(occurred_at: datetime, payment: Payment, skew_seconds: int) -> datetime:
    """A provider's clock is trusted only within [payment started, now + skew]: a callback
    dated 1999 must not pay an order before it existed or open a 1999 lake partition."""
    low = payment.created_at
    high = max(payment.created_at, clock.real_now()) + timedelta(seconds=skew_seconds)
    return min(max(occurred_at, low), high)


def _apply(session: Session, payment: Payment, event: ProviderEvent) -> str:
    if (event.amount_cents, event.currency) != (payment.amount_cents, payment.currency):
        log.warning("provider amount differs from the payment", extra={
            "payment_id": payment.id, "amount_cents": event.amount_cents})
        return "ignored_amount_mismatch"
    succeeded = event.status == SUCCEEDED
    if payment.status == FAILED and succeeded:
        return _refund_due(session, payment, event, "captured_after_failure")
    if payment.status != PENDING:
        return f"ignored_{payment.status}"
    payment.updated_at = event.occurred_at
    if not succeeded:
        payment.status = FAILED
        payment.failure_reason = event.reason or "declined"
        orders.record_payment_failure(session=session, order_id=payment.order_id,
                                      payment_id=payment.id, reason=payment.failure_reason,
                                      occurred_at=event.occurred_at)
        return "failed"
    if orders.mark_paid(session=session, order_id=payment.order_id, payment_id=payment.id,
                        amount_cents=payment.amount_cents, paid_at=event.occurred_at):
        payment.status = SUCCEEDED
        payment.captured_at = event.occurred_at
        return "paid"
    return _refund_due(session, payment, event, "order_not_payable")


def _refund_due(session: Session, payment: Payment, event: ProviderEvent, reason: str) -> str:
    payment.status = REFUND_DUE
    payment.captured_at = event.occurred_at
    payment.updated_at = event.occurred_at
    orders.record_refund_due(session=session, order_id=payment.order_id, payment_id=payment.id,
                             amount_cents=payment.amount_cents, currency=payment.currency,
                             reason=reason, occurred_at=event.occurred_at)
    return REFUND_DUE


def reconcile_pending(*, sessions: sessionmaker[Session], channels: dict[str, PaymentChannel],
                      older_than_seconds: float, clock_skew_seconds: int,
                      limit: int = 100) -> int:
    """Resolve payments pending longer than older_than_seconds by asking their channel;
    returns how many were settled. A channel that never heard of a payment fails it, so
    the shopper can pay again."""
    cutoff = clock.real_now() - timedelta(seconds=older_than_seconds)
    with sessions() as s:
        stuck = list(s.execute(
            select(Payment.id, Payment.channel, Payment.amount_cents, Payment.currency)
            .where(Payment.status == PENDING, Payment.created_at <= cutoff)
            .order_by(Payment.created_at).limit(limit)))
        s.rollback()
    settled = 0
    for pid, channel_name, amount_cents, currency in stuck:
        channel = channels.get(channel_name)
        if channel is None:
            continue
        try:
            with sessions() as s:
                event = channel.lookup(session=s, payment_id=pid)
        except LookupPending:
            continue
        if event is None:
            event = ProviderEvent(provider_event_id=f"reconcile:{pid}", payment_id=pid,
                                  status=FAILED, amount_cents=amount_cents, currency=currency,
                                  occurred_at=clock.real_now(), reason="unknown_to_channel")
        raw = json.dumps({**dataclasses.asdict(event), "source": "reconcile"}, default=str)
        with transaction(sessions) as s:
            outcome = handle_callback(session=s, event=event, raw=raw,
                                      clock_skew_seconds=clock_skew_seconds)
        log.info("reconciled stuck payment", extra={"payment_id": pid, "outcome": outcome})
        settled += outcome != "duplicate"
    return settled

