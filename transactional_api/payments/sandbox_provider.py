"""What the sandbox providers share: their books (what statements list, with faults an
operator planted), and the queue of signed callbacks they owe us."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import httpx
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core import clock
from transactional_api.core.db import new_id, transaction
from transactional_api.core.errors import Conflict
from transactional_api.payments.channels import ProviderEvent, StatementEntry
from transactional_api.payments.provider_models import (
    SandboxLedgerEntry,
    SandboxProviderCallback,
    SandboxStatementFault,
)
from transactional_api.payments.signing import sign

log = logging.getLogger("flywheel.payments.sandbox")
CLAIM_SECONDS = 5.0
MAX_ATTEMPTS = 8  # then the payment sweeper's lookup settles it
FAULT_ACTIONS = ("drop", "alter", "add")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


# --- the books ---------------------------------------------------------------------------
def book(session: Session, *, channel: str, kind: str, payment_id: str, amount_cents: int,
         currency: str, provider_reference: str, occurred_at: datetime) -> None:
    session.add(SandboxLedgerEntry(channel=channel, kind=kind, payment_id=payment_id,
                                   amount_cents=amount_cents, currency=currency,
                                   provider_reference=provider_reference,
                                   occurred_at=occurred_at))


def book_refund(session: Session, *, channel: str, payment_id: str, amount_cents: int,
                currency: str, occurred_at: datetime) -> str:
    """The provider's own check: it never returns more than it took for the payment."""
    totals = dict(session.execute(
        select(SandboxLedgerEntry.kind, func.coalesce(func.sum(SandboxLedgerEntry.amount_cents), 0))
        .where(SandboxLedgerEntry.channel == channel, SandboxLedgerEntry.payment_id == payment_id)
        .group_by(SandboxLedgerEntry.kind)).all())
    if totals.get("refunded", 0) + amount_cents > totals.get("captured", 0):
        raise Conflict("the provider refused the refund: more than it captured",
                       code="provider_refused_refund")
    reference = f"rf_{new_id()}"
    book(session, channel=channel, kind="refunded", payment_id=payment_id,
         amount_cents=amount_cents, currency=currency, provider_reference=reference,
         occurred_at=occurred_at)
    return reference


def unbook_future(session: Session, *, channel: str, payment_id: str) -> None:
    """A voided payment's booked-ahead capture (a transfer not yet arrived) never happens."""
    for entry in session.scalars(select(SandboxLedgerEntry).where(
            SandboxLedgerEntry.channel == channel, SandboxLedgerEntry.payment_id == payment_id,
            SandboxLedgerEntry.occurred_at > clock.now())):
        session.delete(entry)


def statement(session: Session, *, channel: str, day: date) -> list[StatementEntry]:
    start, end = day_bounds(day)
    rows = session.scalars(select(SandboxLedgerEntry).where(
        SandboxLedgerEntry.channel == channel, SandboxLedgerEntry.occurred_at >= start,
        SandboxLedgerEntry.occurred_at < end)
        .order_by(SandboxLedgerEntry.occurred_at, SandboxLedgerEntry.id))
    entries = [StatementEntry(channel=channel, kind=r.kind, payment_id=r.payment_id,
                              amount_cents=r.amount_cents, currency=r.currency,
                              provider_reference=r.provider_reference,
                              occurred_at=r.occurred_at) for r in rows]
    return with_faults(session, channel=channel, day=day, entries=entries)


def with_faults(session: Session, *, channel: str, day: date,
                entries: list[StatementEntry]) -> list[StatementEntry]:
    faults = session.scalars(select(SandboxStatementFault).where(
        SandboxStatementFault.channel == channel, SandboxStatementFault.day == day)
        .order_by(SandboxStatementFault.id))
    out = list(entries)
    for n, fault in enumerate(faults):
        if fault.action == "add":
            out.append(StatementEntry(
                channel=channel, kind="captured", payment_id=None,
                amount_cents=fault.amount_cents or 100,
                currency=entries[0].currency if entries else "USD",
                provider_reference=fault.provider_reference or f"phantom_{day}_{n}",
                occurred_at=day_bounds(day)[0]))
            continue
        i = _target(out, fault.provider_reference)
        if i is None:
            continue
        if fault.action == "drop":
            out.pop(i)
        else:
            amount = fault.amount_cents if fault.amount_cents is not None else \
                out[i].amount_cents + 1
            out[i] = dataclasses.replace(out[i], amount_cents=amount)
    return out


def _target(entries: list[StatementEntry], reference: str | None) -> int | None:
    for i, e in enumerate(entries):
        if reference is None or e.provider_reference == reference:
            return i
    return None


def add_fault(session: Session, *, channel: str, day: date, action: str,
              provider_reference: str | None, amount_cents: int | None) -> SandboxStatementFault:
    fault = SandboxStatementFault(channel=channel, day=day, action=action,
                                  provider_reference=provider_reference,
                                  amount_cents=amount_cents, created_at=clock.real_now())
    session.add(fault)
    session.flush()
    return fault


# --- callbacks owed ----------------------------------------------------------------------
def event_body(event: ProviderEvent) -> bytes:
    data = dataclasses.asdict(event)
    data["occurred_at"] = event.occurred_at.isoformat()
    return json.dumps(data).encode()


def queue_callback(session: Session, *, channel: str, event: ProviderEvent,
                   due_at: datetime) -> None:
    session.add(SandboxProviderCallback(
        channel=channel, payment_id=event.payment_id, provider_event_id=event.provider_event_id,
        body=event_body(event).decode(), due_at=due_at, attempts=0, cancelled=False))


def cancel_callbacks(session: Session, *, payment_id: str) -> None:
    session.execute(update(SandboxProviderCallback).where(
        SandboxProviderCallback.payment_id == payment_id,
        SandboxProviderCallback.delivered_at.is_(None)).values(cancelled=True))


def owed_events(session: Session, *, payment_id: str) -> list[ProviderEvent]:
    """The provider's events for a payment, oldest first (what its lookup answers from)."""
    rows = session.scalars(select(SandboxProviderCallback).where(
        SandboxProviderCallback.payment_id == payment_id,
        SandboxProviderCallback.cancelled.is_(False))
        .order_by(SandboxProviderCallback.id))
    return [_parse(r) for r in rows]


def _parse(row: SandboxProviderCallback) -> ProviderEvent:
    data = json.loads(row.body)
    data["occurred_at"] = datetime.fromisoformat(data["occurred_at"])
    return ProviderEvent(**data)


class CallbackDelivery:
    """Posts the due callbacks of the card and bank sandboxes, each claimed for a short
    lease first so several workers never post the same one at once."""

    def __init__(self, *, secret: str, urls: dict[str, str], auto: bool):
        self._secret, self._urls, self._auto = secret, urls, auto

    def deliver_due(self, sessions: sessionmaker[Session], *, now: datetime | None = None,
                    force: bool = False, limit: int = 50,
                    channels: Iterable[str] | None = None) -> int:
        """Post due callbacks once; ``now`` (shop clock) lets tests jump hours ahead."""
        if not (self._auto or force):
            return 0
        now = now or clock.now()
        wall = clock.real_now()
        names = list(channels) if channels is not None else list(self._urls)
        with sessions() as s:
            due = list(s.scalars(
                select(SandboxProviderCallback).where(
                    SandboxProviderCallback.channel.in_(names),
                    SandboxProviderCallback.delivered_at.is_(None),
                    SandboxProviderCallback.cancelled.is_(False),
                    SandboxProviderCallback.due_at <= now,
                    SandboxProviderCallback.attempts < MAX_ATTEMPTS,
                    or_(SandboxProviderCallback.claimed_until.is_(None),
                        SandboxProviderCallback.claimed_until < wall))
                .order_by(SandboxProviderCallback.due_at, SandboxProviderCallback.id)
                .limit(limit)))
        delivered = 0
        for row in due:
            if self._claim(sessions, row.id, wall) and self._post(row):
                with transaction(sessions) as s:
                    s.execute(update(SandboxProviderCallback)
                              .where(SandboxProviderCallback.id == row.id)
                              .values(delivered_at=clock.real_now()))
                delivered += 1
        return delivered

    def _claim(self, sessions, row_id: int, wall: datetime) -> bool:
        with transaction(sessions) as s:
            claimed = s.execute(
                update(SandboxProviderCallback)
                .where(SandboxProviderCallback.id == row_id,
                       SandboxProviderCallback.delivered_at.is_(None),
                       or_(SandboxProviderCallback.claimed_until.is_(None),
                           SandboxProviderCallback.claimed_until < wall))
                .values(claimed_until=wall + timedelta(seconds=CLAIM_SECONDS),
                        attempts=SandboxProviderCallback.attempts + 1))
            return claimed.rowcount == 1

    def _post(self, row: SandboxProviderCallback) -> bool:
        raw = row.body.encode()
        try:
            resp = httpx.post(self._urls[row.channel], content=raw, timeout=10, headers={
                "content-type": "application/json",
                "x-flywheel-signature": sign(self._secret, raw)})
        except httpx.HTTPError as exc:
            log.warning("sandbox callback failed", extra={"payment_id": row.payment_id,
                                                          "error": str(exc)})
            return False
        if resp.status_code >= 500:
            log.warning("sandbox callback refused", extra={"payment_id": row.payment_id,
                                                           "status": resp.status_code})
            return False
        return True
