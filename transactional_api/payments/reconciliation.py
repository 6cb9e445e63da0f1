"""Daily reconciliation: our transaction ledger against each channel's statement.

Entries are matched by (kind, provider reference). An entry on one side and not the other
is missing_in_statement or missing_in_ledger; a match with another amount or currency is
amount_differs. Entries are looked for on the neighbouring days too before they count as
missing, so a movement booked just before midnight on one side and just after on the
other is not reported. A re-run replaces the day's findings; every finding and each
channel's totals are emitted for the warehouse (the dashboard reads them there).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Unprocessable
from transactional_api.events import payment_events as pe
from transactional_api.events.outbox import emit
from transactional_api.payments.channels import PaymentChannel
from transactional_api.payments.models import (
    Payment,
    PaymentTransaction,
    ReconciliationMismatch,
    ReconciliationRun,
)
from transactional_api.payments.registry import active_channels
from transactional_api.payments.sandbox_provider import day_bounds

KINDS = ("captured", "refunded")


def reconcile_day(session: Session, day: date,
                  channels: Mapping[str, PaymentChannel] | None = None) -> ReconciliationRun:
    """Compare one UTC day for every channel and store what differs (replacing an earlier
    run of the same day), in the caller's transaction."""
    channels = active_channels() if channels is None else channels
    run = _fresh_run(session, day)
    summary = {}
    for name, channel in sorted(channels.items()):
        found, ours, theirs = _compare(session, name, channel, day)
        for m in found:
            m.run_id, m.day, m.channel, m.detected_at = run.id, day, name, run.ran_at
            session.add(m)
            emit(session=session, event=pe.ReconciliationMismatch(
                occurred_at=run.ran_at, payload={
                    "run_id": run.id, "day": day, "channel": name, "kind": m.kind,
                    "transaction_kind": m.transaction_kind, "payment_id": m.payment_id,
                    "provider_reference": m.provider_reference,
                    "ledger_amount_cents": m.ledger_amount_cents,
                    "statement_amount_cents": m.statement_amount_cents,
                    "currency": m.currency}))
        summary[name] = {"ledger_entries": ours, "statement_entries": theirs,
                         "mismatches": len(found)}
        emit(session=session, event=pe.ReconciliationCompleted(occurred_at=run.ran_at, payload={
            "run_id": run.id, "day": day, "channel": name, "ledger_entries": ours,
            "statement_entries": theirs, "mismatches": len(found)}))
    run.summary = summary
    session.flush()
    return run


def _fresh_run(session: Session, day: date) -> ReconciliationRun:
    # The day's row is the lock: a concurrent run of the same day waits, then replaces.
    for _ in range(3):
        old = session.scalar(select(ReconciliationRun).where(ReconciliationRun.day == day)
                             .with_for_update())
        if old is not None:
            session.execute(delete(ReconciliationMismatch)
                            .where(ReconciliationMismatch.run_id == old.id))
            session.delete(old)
            session.flush()
        try:
            with session.begin_nested():
                run = ReconciliationRun(day=day, ran_at=clock.now(), summary={})
                session.add(run)
                session.flush()
            return run
        except IntegrityError:
            continue  # another run of this day committed first: replace it
    raise Unprocessable("this day is being reconciled right now", code="reconciliation_busy")


def _compare(session: Session, name: str, channel: PaymentChannel,
             day: date) -> tuple[list[ReconciliationMismatch], int, int]:
    days = (day - timedelta(days=1), day, day + timedelta(days=1))
    ours_by_day = _ledger(session, name, days)
    theirs_by_day = {d: {(e.kind, e.provider_reference): e
                         for e in channel.statement(session=session, day=d)} for d in days}
    ours_any = {k: v for d in days for k, v in ours_by_day[d].items()}
    theirs_any = {k: v for d in (days[0], days[2], day) for k, v in theirs_by_day[d].items()}
    found = []
    for key, (payment_id, amount, currency) in sorted(ours_by_day[day].items()):
        other = theirs_any.get(key)
        if other is None:
            found.append(_mismatch("missing_in_statement", key, payment_id, amount, None,
                                   currency))
        elif (other.amount_cents, other.currency) != (amount, currency):
            found.append(_mismatch("amount_differs", key, payment_id, amount,
                                   other.amount_cents, currency))
    for key, entry in sorted(theirs_by_day[day].items()):
        if key not in ours_any:
            found.append(_mismatch("missing_in_ledger", key, entry.payment_id, None,
                                   entry.amount_cents, entry.currency))
    return found, len(ours_by_day[day]), len(theirs_by_day[day])


def _ledger(session: Session, channel: str,
            days: tuple[date, ...]) -> dict[date, dict[tuple[str, str], tuple]]:
    start, end = day_bounds(days[0])[0], day_bounds(days[-1])[1]
    rows = session.execute(
        select(PaymentTransaction.kind, PaymentTransaction.provider_reference,
               PaymentTransaction.payment_id, PaymentTransaction.amount_cents,
               PaymentTransaction.currency, PaymentTransaction.occurred_at)
        .join(Payment, Payment.id == PaymentTransaction.payment_id)
        .where(Payment.channel == channel, PaymentTransaction.kind.in_(KINDS),
               PaymentTransaction.occurred_at >= start, PaymentTransaction.occurred_at < end))
    out: dict[date, dict] = {d: {} for d in days}
    for kind, ref, payment_id, amount, currency, at in rows:
        out[at.date()][(kind, ref or "")] = (payment_id, amount, currency)
    return out


def _mismatch(kind: str, key: tuple[str, str], payment_id: str | None, ours: int | None,
              theirs: int | None, currency: str) -> ReconciliationMismatch:
    return ReconciliationMismatch(kind=kind, transaction_kind=key[0], payment_id=payment_id,
                                  provider_reference=key[1], ledger_amount_cents=ours,
                                  statement_amount_cents=theirs, currency=currency)


def runs(session: Session, *, day: date | None, limit: int = 31) -> list[
        tuple[ReconciliationRun, list[ReconciliationMismatch]]]:
    stmt = select(ReconciliationRun).order_by(ReconciliationRun.day.desc()).limit(limit)
    if day is not None:
        stmt = stmt.where(ReconciliationRun.day == day)
    out = []
    for run in session.scalars(stmt):
        found = list(session.scalars(select(ReconciliationMismatch).where(
            ReconciliationMismatch.run_id == run.id).order_by(ReconciliationMismatch.id)))
        out.append((run, found))
    return out

