"""Payments: attempts against an order and the provider notifications that settle them.

Each notification is recorded in the payment_events ledger under the provider's event id
(unique), so a notification delivered twice has its effect once. The first terminal
outcome of a payment wins, except that money is never silently kept: a capture that
arrives after the payment failed, or for an order that can no longer take it, is recorded
and the payment is marked refund_due (the refund sweeper then gives it back).
Every change writes its transaction-ledger row and outbox event in the same transaction.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.orders import service as orders
from transactional_api.payments import ledger
from transactional_api.payments.channels import (  # noqa: F401 (re-exported)
    AUTHORIZED,
    FAILED,
    IN_PROGRESS,
    PENDING,
    REFUND_DUE,
    REFUNDED,
    REQUIRES_ACTION,
    SUCCEEDED,
    LookupPending,
    PaymentChannel,
    ProviderEvent,
    StartResult,
)
from transactional_api.payments.models import Payment, PaymentEvent
from transactional_api.payments.refunds import (  # noqa: F401 (the public refund API)
    refund,
    refund_due_sweep,
)

log = logging.getLogger("flywheel.payments")


def create_payment(*, session: Session, order_id: str, user_id: str, channel: PaymentChannel,
                   options: dict, idempotency_key: str | None,
                   channels: Mapping[str, PaymentChannel] | None = None,
                   ) -> tuple[Payment, bool]:
    """Creates the payment and starts it at the channel in the same transaction."""
    order = orders.payable(session=session, order_id=order_id, user_id=user_id)
    needed = orders.required_payment_channel(order)
    if needed is not None and needed != channel.name:
        raise Conflict(f"this order was priced with a reduction for paying by {needed}",
                       code="payment_channel_mismatch", details={"channel": needed})
    if idempotency_key:
        existing = session.scalar(select(Payment).where(
            Payment.order_id == order.id, Payment.idempotency_key == idempotency_key))
        if existing is not None:
            return existing, False
    now = clock.now()
    for open_payment in session.scalars(select(Payment).where(
            Payment.order_id == order.id, Payment.status.in_(IN_PROGRESS)).with_for_update()):
        _supersede_or_refuse(session, open_payment, channels or {}, now)
    reason = channel.availability(session=session, user_id=user_id,
                                  amount_cents=order.total_cents, currency=order.currency)
    if reason is not None:
        raise Unprocessable(f"the {channel.name} channel cannot take this payment: {reason}",
                            code="channel_not_offered", details={"reason": reason})
    payment = Payment(order_id=order.id, channel=channel.name, amount_cents=order.total_cents,
                      currency=order.currency, status=PENDING, idempotency_key=idempotency_key,
                      captured_cents=0, refunded_cents=0, created_at=now, updated_at=now)
    session.add(payment)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("this Idempotency-Key is being used by another request",
                       code="idempotency_conflict") from exc
    result = channel.start(session=session, payment_id=payment.id, order_id=order.id,
                           user_id=user_id, amount_cents=payment.amount_cents,
                           currency=payment.currency, started_at=now,
                           options=options) or StartResult()
    payment.status = result.status
    payment.next_action = result.next_action
    payment.provider_reference = result.provider_reference
    if result.hold_until is not None:
        orders.extend_payment_deadline(session=session, order_id=order.id,
                                       until=result.hold_until)
    ledger.started(session, payment)
    if result.event is not None:
        # Settled at once (the wallet): the same path a callback takes, same transaction.
        handle_callback(session=session, event=result.event, channel=channel.name,
                        raw=json.dumps(dataclasses.asdict(result.event), default=str),
                        clock_skew_seconds=0)
    return payment, True


def _supersede_or_refuse(session: Session, payment: Payment,
                         channels: Mapping[str, PaymentChannel], now: datetime) -> None:
    channel = channels.get(payment.channel)
    if channel is None or payment.status not in getattr(channel, "supersedable", ()):
        raise Conflict("a payment for this order is already in progress",
                       code="payment_in_progress")
    channel.void(session=session, payment_id=payment.id)
    _fail(session, payment, "superseded", now, payment.provider_reference)


def get_payment(*, session: Session, payment_id: str, user_id: str | None) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None or (user_id is not None and not orders.is_owner(
            session=session, order_id=payment.order_id, user_id=user_id)):
        raise NotFound("payment not found")
    return payment


def handle_callback(*, session: Session, event: ProviderEvent, raw: str,
                    clock_skew_seconds: int, channel: str | None = None) -> str:
    """Apply one verified provider notification; returns what it did. ``channel`` is the
    channel whose route received it: another channel's payment is left alone."""
    order_id = session.scalar(select(Payment.order_id).where(Payment.id == event.payment_id))
    if order_id is None:
        raise NotFound("payment not found")
    # Order first, then payment: the order in which creating a payment locks them, so the
    # two never deadlock on PostgreSQL.
    orders.get_order(session=session, order_id=order_id, user_id=None, lock=True)
    payment = session.scalar(select(Payment).where(Payment.id == event.payment_id)
                             .with_for_update())
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
    if channel is not None and channel != payment.channel:
        entry.outcome = "ignored_wrong_channel"
    else:
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
    reference = event.provider_reference or event.provider_event_id
    if event.card_last4 and payment.card_last4 is None:
        payment.card_last4 = event.card_last4
    if event.card_token and payment.card_token is None:
        payment.card_token = event.card_token
    if event.status == AUTHORIZED:
        if payment.status not in (REQUIRES_ACTION, PENDING):
            return f"ignored_{payment.status}"  # a late authorization after the capture
        payment.status = AUTHORIZED
        payment.updated_at = event.occurred_at
        ledger.authorized(session, payment, event.occurred_at, reference)
        return AUTHORIZED
    succeeded = event.status == SUCCEEDED
    if payment.status == FAILED and succeeded:
        return _refund_due(session, payment, event, "captured_after_failure", reference)
    if payment.status not in IN_PROGRESS:
        return f"ignored_{payment.status}"
    if not succeeded:
        _fail(session, payment, event.reason or "declined", event.occurred_at, reference)
        return FAILED
    if orders.mark_paid(session=session, order_id=payment.order_id, payment_id=payment.id,
                        amount_cents=payment.amount_cents, paid_at=event.occurred_at):
        payment.status = SUCCEEDED
        payment.updated_at = event.occurred_at
        ledger.captured(session, payment, event.occurred_at, reference)
        return "paid"
    return _refund_due(session, payment, event, "order_not_payable", reference)


def _fail(session: Session, payment: Payment, reason: str, at: datetime,
          reference: str | None) -> None:
    payment.status = FAILED
    payment.failure_reason = reason[:200]
    payment.updated_at = at
    ledger.failed(session, payment, at, reference)
    orders.record_payment_failure(session=session, order_id=payment.order_id,
                                  payment_id=payment.id, reason=payment.failure_reason,
                                  occurred_at=at)


def _refund_due(session: Session, payment: Payment, event: ProviderEvent, reason: str,
                reference: str) -> str:
    payment.status = REFUND_DUE
    payment.updated_at = event.occurred_at
    payment.refund_due_at = clock.real_now()
    ledger.captured(session, payment, event.occurred_at, reference)
    orders.record_refund_due(session=session, order_id=payment.order_id, payment_id=payment.id,
                             amount_cents=payment.amount_cents, currency=payment.currency,
                             reason=reason, occurred_at=event.occurred_at)
    return REFUND_DUE


def reconcile_pending(*, sessions: sessionmaker[Session], channels: Mapping[str, PaymentChannel],
                      older_than_seconds: float, clock_skew_seconds: int,
                      limit: int = 100) -> int:
    """Resolve payments in progress longer than older_than_seconds by asking their channel;
    returns how many were settled. A channel that never heard of a payment fails it, so
    the shopper can pay again."""
    cutoff = clock.real_now() - timedelta(seconds=older_than_seconds)
    with sessions() as s:
        stuck = list(s.execute(
            select(Payment.id, Payment.channel, Payment.amount_cents, Payment.currency)
            .where(Payment.status.in_(IN_PROGRESS), Payment.created_at <= cutoff)
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
            outcome = handle_callback(session=s, event=event, raw=raw, channel=channel_name,
                                      clock_skew_seconds=clock_skew_seconds)
        log.info("reconciled stuck payment", extra={"payment_id": pid, "outcome": outcome})
        settled += outcome != "duplicate"
    return settled


def money_held(*, session: Session) -> dict[str, int]:
    """What the channels hold per currency: captured less refunded, over every payment
    (settlement's reconciliation compares its ledger with it)."""
    from sqlalchemy import func
    rows = session.execute(select(Payment.currency, func.sum(Payment.captured_cents
                                                             - Payment.refunded_cents))
                           .group_by(Payment.currency))
    return {currency: int(held or 0) for currency, held in rows}
