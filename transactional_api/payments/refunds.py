"""Refunds, partial and full, through the channel that took the money.

``refund`` is what other domains (after-sales, order interception) call inside their own
transaction. Their sum can never exceed what was captured, under concurrent and repeated
calls alike, by three layers: the order's payments are locked (FOR UPDATE; SQLite has one
writer), each payment's total moves by a conditional UPDATE (``refunded + x <= captured``),
and the payments table CHECKs ``refunded_cents <= captured_cents``. A repeated reference
returns the first refund and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict, DomainError, NotFound, Unprocessable
from transactional_api.events.envelope import MAX_CENTS
from transactional_api.payments import ledger
from transactional_api.payments.channels import REFUND_DUE, REFUNDED, SUCCEEDED, PaymentChannel
from transactional_api.payments.models import Payment, Refund
from transactional_api.payments.registry import active_channels

log = logging.getLogger("flywheel.payments.refunds")


def refund(*, session: Session, order_id: str, amount_cents: int, reason: str, reference: str,
           actor_id: str | None = None, payment_id: str | None = None,
           channels: Mapping[str, PaymentChannel] | None = None) -> Refund:
    """Give ``amount_cents`` of the order's captured money back, drawing on its succeeded
    payments oldest first (or only on ``payment_id``, which may also be a refund_due one).

    Raises Unprocessable(code="refund_exceeds_captured") when the order's captured money,
    less what was refunded already, does not cover it; nothing changes then. A repeated
    ``reference`` for the order returns the first refund (422 if its amount differs).
    """
    _validate(amount_cents, reason, reference)
    existing = _by_reference(session, order_id, reference)
    if existing is not None:
        return _replayed(existing, amount_cents)
    payments = _locked_payments(session, order_id, payment_id)
    # A concurrent call with this reference may have committed while we waited for locks.
    existing = _by_reference(session, order_id, reference)
    if existing is not None:
        return _replayed(existing, amount_cents)
    captured = sum(p.captured_cents for p in payments)
    refunded = sum(p.refunded_cents for p in payments)
    if refunded + amount_cents > captured:
        raise Unprocessable("the refund would exceed what was captured",
                            code="refund_exceeds_captured",
                            details={"captured_cents": captured, "refunded_cents": refunded,
                                     "requested_cents": amount_cents})
    now = clock.now()
    row = Refund(order_id=order_id, amount_cents=amount_cents, currency=payments[0].currency,
                 reason=reason, reference=reference, actor_id=actor_id, status="succeeded",
                 created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        existing = _by_reference(session, order_id, reference)
        if existing is None:
            raise
        return _replayed(existing, amount_cents)
    channels = active_channels() if channels is None else channels
    left = amount_cents
    for payment in payments:
        take = min(left, payment.captured_cents - payment.refunded_cents)
        if take > 0:
            _draw(session, payment, row, take, channels)
            left -= take
    return row


def _draw(session: Session, payment: Payment, row: Refund, take: int,
          channels: Mapping[str, PaymentChannel]) -> None:
    channel = channels.get(payment.channel)
    if channel is None:
        raise Conflict(f"the {payment.channel} channel that took this payment is not enabled",
                       code="channel_unavailable")
    moved = session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.refunded_cents + take <= Payment.captured_cents)
        .values(refunded_cents=Payment.refunded_cents + take, updated_at=row.created_at)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Unprocessable("the refund would exceed what was captured",
                            code="refund_exceeds_captured")
    session.refresh(payment)
    reference = channel.refund(session=session, payment_id=payment.id, refund_id=row.id,
                               amount_cents=take, currency=payment.currency,
                               occurred_at=row.created_at)
    ledger.refunded(session, payment, row, amount_cents=take, provider_reference=reference,
                    occurred_at=row.created_at)
    if payment.refunded_cents == payment.captured_cents:
        payment.status = REFUNDED


def _validate(amount_cents: int, reason: str, reference: str) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or \
            not 0 < amount_cents <= MAX_CENTS:
        raise Unprocessable(f"amount_cents must be an integer from 1 to {MAX_CENTS}",
                            code="invalid_amount")
    if not reason or len(reason) > 200:
        raise Unprocessable("a reason of 1 to 200 characters is required", code="invalid_reason")
    if not reference or len(reference) > 128:
        raise Unprocessable("a reference of 1 to 128 characters is required",
                            code="invalid_reference")


def _locked_payments(session: Session, order_id: str, payment_id: str | None) -> list[Payment]:
    statuses = (SUCCEEDED, REFUNDED) if payment_id is None else (SUCCEEDED, REFUNDED, REFUND_DUE)
    stmt = select(Payment).where(Payment.order_id == order_id, Payment.status.in_(statuses))
    if payment_id is not None:
        stmt = stmt.where(Payment.id == payment_id)
    payments = list(session.scalars(stmt.order_by(Payment.captured_at, Payment.id)
                                    .with_for_update()))
    if payments:
        return payments
    if payment_id is not None:
        found = session.get(Payment, payment_id)
        if found is None or found.order_id != order_id:
            raise NotFound("payment not found")
    raise Unprocessable("nothing was captured for this order", code="refund_exceeds_captured",
                        details={"captured_cents": 0, "refunded_cents": 0})


def _by_reference(session: Session, order_id: str, reference: str) -> Refund | None:
    return session.scalar(select(Refund).where(Refund.order_id == order_id,
                                               Refund.reference == reference))


def _replayed(existing: Refund, amount_cents: int) -> Refund:
    if existing.amount_cents != amount_cents:
        raise Unprocessable("this reference was used for a refund of a different amount",
                            code="refund_reference_reused",
                            details={"refund_id": existing.id})
    return existing


def refund_due_sweep(*, sessions: sessionmaker[Session], older_than_seconds: float,
                     channels: Mapping[str, PaymentChannel] | None = None,
                     limit: int = 50) -> int:
    """Give back money captured for orders that could not take it; returns how many
    payments were refunded. The reference makes a repeated sweep harmless."""
    cutoff = clock.real_now().timestamp() - older_than_seconds
    with sessions() as s:
        due = [(pid, oid, owed) for pid, oid, owed, since in s.execute(
            select(Payment.id, Payment.order_id,
                   Payment.captured_cents - Payment.refunded_cents, Payment.refund_due_at)
            .where(Payment.status == REFUND_DUE).order_by(Payment.refund_due_at).limit(limit))
            if since is None or since.timestamp() <= cutoff]
        s.rollback()
    done = 0
    for pid, oid, owed in due:
        if owed <= 0:
            continue
        try:
            with transaction(sessions) as s:
                refund(session=s, order_id=oid, amount_cents=owed, reason="refund_due",
                       reference=f"refund_due:{pid}", payment_id=pid, channels=channels)
            done += 1
        except DomainError as exc:
            log.warning("refund of a refund_due payment failed", extra={
                "payment_id": pid, "code": exc.code})
    return done
