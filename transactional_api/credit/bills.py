"""Bills: an instalment is billed some days before its due date (the nightly job, or at
once by an early repayment), each bill keeps a ledger whose sum is always what it still
owes, and a bill unpaid past its due date and grace period is overdue: a late fee once
per overdue period, the line set to overdue (no new credit spending) and an event the
scoring pipeline reads to lower the score."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.credit import lines
from transactional_api.credit.models import (
    ACTIVE,
    BILLED,
    CANCELLED,
    OVERDUE,
    PAID,
    SCHEDULED,
    CreditBillEntry,
    CreditInstallment,
    CreditLine,
)
from transactional_api.events import credit_events as ce
from transactional_api.events.outbox import emit

log = logging.getLogger("flywheel.credit.bills")


def issue(session: Session, row: CreditInstallment, *, at: datetime, early: bool) -> None:
    row.status = BILLED
    row.billed_at = at
    if row.amount_cents > 0:
        _entry(session, row, "charge", row.amount_cents, None, at)
    if row.outstanding_cents == 0:
        row.status, row.paid_at = PAID, at
    emit(session=session, event=ce.CreditBillIssued(
        occurred_at=at, user_id=row.user_id, payload=ce.CreditBillIssuedPayload(
            bill_id=row.id, plan_id=row.plan_id, line_id=row.line_id, seq=row.seq,
            due_date=row.due_date, principal_cents=row.principal_cents,
            interest_cents=row.interest_cents, fee_cents=row.fee_cents,
            amount_cents=row.amount_cents, currency=row.currency, early=early)))


def cancel(session: Session, row: CreditInstallment, *, at: datetime) -> None:
    """Nothing more is owed on this instalment (its plan was refunded)."""
    owed = row.outstanding_cents
    if row.status == BILLED and owed > 0:
        _entry(session, row, "cancel", -owed, None, at)
    row.cancelled_cents += owed
    row.status = CANCELLED


def waive(session: Session, row: CreditInstallment, amount_cents: int, *,
          at: datetime) -> None:
    if amount_cents > 0:
        row.waived_cents += amount_cents
        _entry(session, row, "waiver", -amount_cents, None, at)


def record_repayment(session: Session, row: CreditInstallment, amount_cents: int, *,
                     repayment_id: str, at: datetime) -> None:
    _entry(session, row, "repayment", -amount_cents, repayment_id, at)
    if row.outstanding_cents == 0:
        row.status, row.paid_at = PAID, at


def ledger_sum(session: Session, bill_id: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(CreditBillEntry.amount_cents), 0))
                              .where(CreditBillEntry.bill_id == bill_id)))


def is_overdue(row: CreditInstallment, today: date, grace_days: int) -> bool:
    return row.status == BILLED and row.outstanding_cents > 0 and \
        today > row.due_date + timedelta(days=grace_days)


def refresh_line_status(session: Session, line: CreditLine, *, at: datetime,
                        grace_days: int) -> None:
    """Overdue while any bill is; active again once none is."""
    if line.status not in (ACTIVE, OVERDUE):
        return
    grace = grace_days
    open_bills = session.scalars(select(CreditInstallment).where(
        CreditInstallment.line_id == line.id, CreditInstallment.status == BILLED))
    late = any(is_overdue(r, at.date(), grace) for r in open_bills)
    lines.set_status(session, line, OVERDUE if late else ACTIVE,
                     reason="bill_overdue" if late else "overdue_cleared", at=at)


def bill_line(session: Session, line: CreditLine, settings: Settings, *,
              now: datetime) -> dict:
    """Issue the line's due bills and charge its late fees (line locked by the caller)."""
    today = now.date()
    horizon = today + timedelta(days=settings.credit_bill_days_before_due)
    issued = late = 0
    for row in session.scalars(select(CreditInstallment).where(
            CreditInstallment.line_id == line.id, CreditInstallment.status == SCHEDULED,
            CreditInstallment.due_date <= horizon).order_by(CreditInstallment.due_date,
                                                            CreditInstallment.seq)):
        issue(session, row, at=now, early=False)
        issued += 1
    for row in session.scalars(select(CreditInstallment).where(
            CreditInstallment.line_id == line.id, CreditInstallment.status == BILLED)
            .order_by(CreditInstallment.due_date, CreditInstallment.seq)):
        if not is_overdue(row, today, settings.credit_grace_days):
            continue
        days = (today - row.due_date).days
        period = (days - settings.credit_grace_days - 1) // settings.credit_overdue_period_days + 1
        if period <= row.late_fee_periods:
            continue
        fee = settings.credit_late_fee_cents * (period - row.late_fee_periods)
        row.late_fee_periods = period
        if fee:
            row.late_fee_cents += fee
            _entry(session, row, "late_fee", fee, None, now)
        late += 1
        emit(session=session, event=ce.CreditBillOverdue(
            occurred_at=now, user_id=row.user_id, payload=ce.CreditBillOverduePayload(
                bill_id=row.id, plan_id=row.plan_id, line_id=row.line_id,
                due_date=row.due_date, days_overdue=days, period=period, late_fee_cents=fee,
                outstanding_cents=row.outstanding_cents, currency=row.currency,
                score_penalty=settings.credit_overdue_score_penalty)))
    refresh_line_status(session, line, at=now, grace_days=settings.credit_grace_days)
    return {"issued": issued, "overdue": late}


def run(sessions: sessionmaker[Session], settings: Settings, *,
        now: datetime | None = None) -> dict:
    """The nightly job: every line with something to bill or overdue, one transaction per
    line (safe with several API processes: the line row is locked)."""
    now = now or clock.now()
    horizon = now.date() + timedelta(days=settings.credit_bill_days_before_due)
    with sessions() as s:
        line_ids = list(s.scalars(select(CreditInstallment.line_id).where(
            (CreditInstallment.status == BILLED) | ((CreditInstallment.status == SCHEDULED)
                                                    & (CreditInstallment.due_date <= horizon))
        ).distinct()))
        s.rollback()
    totals = {"lines": 0, "issued": 0, "overdue": 0}
    for line_id in sorted(line_ids):
        with transaction(sessions) as s:
            line = lines.get_line(s, line_id, lock=True)
            done = bill_line(s, line, settings, now=now)
        totals["lines"] += 1
        totals["issued"] += done["issued"]
        totals["overdue"] += done["overdue"]
    if totals["issued"] or totals["overdue"]:
        log.info("credit billing", extra=totals)
    return totals


def _entry(session: Session, row: CreditInstallment, kind: str, amount: int,
           repayment_id: str | None, at: datetime) -> None:
    session.add(CreditBillEntry(bill_id=row.id, kind=kind, amount_cents=amount,
                                repayment_id=repayment_id, created_at=at))
