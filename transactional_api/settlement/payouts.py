"""Payouts through a sandbox payout channel, by statement, with an idempotency key: a
retry after a crash or a failure never pays twice (the channel answers a known key with
the first transfer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.events import settlement_events as ev
from transactional_api.events.outbox import emit
from transactional_api.settlement.accounts import book
from transactional_api.settlement.models import (
    MERCHANT_PAYABLE,
    PAYOUT_CLEARING,
    Payout,
    SandboxPayout,
)


class PayoutFailed(Exception):
    pass


@dataclass
class SandboxPayoutChannel:
    """Books transfers in its own table. ``fail_times`` refuses that many sends first
    (tests of retry); ``crash_after_send`` makes send_open stop after a transfer went out
    and before its legs were booked (tests of restart)."""

    fail_times: int = 0
    crash_after_send: int = 0
    sent: list[str] = field(default_factory=list)

    def send(self, session: Session, *, idempotency_key: str, merchant_id: str,
             amount_cents: int, currency: str) -> str:
        if self.fail_times > 0:
            self.fail_times -= 1
            raise PayoutFailed("sandbox: the bank refused the transfer")
        known = session.get(SandboxPayout, idempotency_key)
        if known is None:
            session.add(SandboxPayout(idempotency_key=idempotency_key, merchant_id=merchant_id,
                                      amount_cents=amount_cents, currency=currency,
                                      created_at=clock.now()))
            session.flush()
            self.sent.append(idempotency_key)
        return f"sbx-{idempotency_key}"


def sent_total(session: Session) -> dict[str, int]:
    """What the payout channel transferred, per currency (for reconciliation)."""
    from sqlalchemy import func
    rows = session.execute(select(SandboxPayout.currency, func.sum(SandboxPayout.amount_cents))
                           .group_by(SandboxPayout.currency))
    return {c: int(total) for c, total in rows}


def open_payouts(session: Session, merchant_id: str | None = None) -> list[Payout]:
    q = select(Payout).where(Payout.status.in_(("pending", "failed")))
    if merchant_id is not None:
        q = q.where(Payout.merchant_id == merchant_id)
    return list(session.scalars(q.order_by(Payout.created_at, Payout.id)))


def _payload(payout: Payout, error: str | None = None) -> ev.SettlementPayoutPayload:
    return ev.SettlementPayoutPayload(
        payout_id=payout.id, statement_id=payout.statement_id, merchant_id=payout.merchant_id,
        amount_cents=payout.amount_cents, currency=payout.currency, attempts=payout.attempts,
        error=error)


def _mark_sent(session: Session, payout: Payout, reference: str) -> None:
    payout.status, payout.channel_reference, payout.sent_at = "sent", reference, clock.now()
    payout.last_error = None
    book(session, legs=[(MERCHANT_PAYABLE, payout.merchant_id, -payout.amount_cents),
                        (PAYOUT_CLEARING, None, payout.amount_cents)],
         kind="payout", currency=payout.currency, source_key=f"payout:{payout.id}",
         statement_id=payout.statement_id)
    emit(session=session, event=ev.SettlementPayoutSent(payload=_payload(payout)))


def _mark_failed(session: Session, payout: Payout, error: str) -> None:
    payout.status, payout.last_error = "failed", error[:200]
    emit(session=session, event=ev.SettlementPayoutFailed(
        payload=_payload(payout, payout.last_error)))


def _transfer(session: Session, payout: Payout, channel: SandboxPayoutChannel) -> str:
    payout.attempts += 1
    return channel.send(session, idempotency_key=payout.idempotency_key,
                        merchant_id=payout.merchant_id, amount_cents=payout.amount_cents,
                        currency=payout.currency)


def send(session: Session, payout: Payout, channel: SandboxPayoutChannel) -> bool:
    """One attempt wholly in the caller's transaction (close-out)."""
    try:
        reference = _transfer(session, payout, channel)
    except PayoutFailed as exc:
        _mark_failed(session, payout, str(exc))
        return False
    _mark_sent(session, payout, reference)
    return True


def send_open(sessions: sessionmaker[Session], channel: SandboxPayoutChannel,
              merchant_id: str | None = None) -> dict[str, int]:
    """Try every pending or failed payout once. The transfer commits first, then its legs:
    a crash between the two is healed by the next try, which the channel answers with the
    same transfer (same idempotency key)."""
    with transaction(sessions) as s:
        ids = [p.id for p in open_payouts(s, merchant_id)]
    sent = failed = 0
    for payout_id in ids:
        try:
            with transaction(sessions) as s:
                payout = s.get(Payout, payout_id)
                if payout is None or payout.status == "sent":
                    continue
                reference = _transfer(s, payout, channel)
        except PayoutFailed as exc:
            with transaction(sessions) as s:
                payout = s.get(Payout, payout_id)
                payout.attempts += 1
                _mark_failed(s, payout, str(exc))
            failed += 1
            continue
        if channel.crash_after_send > 0:
            channel.crash_after_send -= 1
            raise RuntimeError("simulated crash after the transfer went out")
        with transaction(sessions) as s:
            payout = s.get(Payout, payout_id)
            if payout.status != "sent":
                _mark_sent(s, payout, reference)
                sent += 1
    return {"sent": sent, "failed": failed}
