"""Repayments of bills, and overpaid money going back to the shopper.

A repayment names bills, or ``all`` (everything owed, early: the instalments not yet
billed are billed now with their unearned interest waived; their fee is kept unless
settings.credit_early_repayment_waives_fee). It may cover less than the bills owe (the
oldest due first; within a bill the late fee, then fee, interest, principal) but never
more: a larger amount is a 422 and nothing changes. Repaid principal returns to the limit.

Money is collected through a repayment channel; this round has the instant sandbox
channel. Overpaid money goes back through the channel of the repayment it came from,
newest repayment first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.credit import bills, lines
from transactional_api.credit.models import (
    BILLED,
    CANCELLED,
    PAID,
    SCHEDULED,
    CreditBillEntry,
    CreditInstallment,
    CreditPlan,
    CreditPlanRefund,
    CreditRepayment,
    CreditReturn,
)
from transactional_api.events import credit_events as ce
from transactional_api.events.envelope import MAX_CENTS
from transactional_api.events.outbox import emit

CHANNELS = ("sandbox",)


def repay(*, session: Session, settings: Settings, user_id: str, bill_ids: list[str] | None,
          everything: bool, amount_cents: int | None, channel: str,
          idempotency_key: str | None, at: datetime) -> CreditRepayment:
    if channel not in CHANNELS:
        raise Unprocessable(f"repayment channel {channel!r} is not offered",
                            code="channel_unavailable", details={"channels": list(CHANNELS)})
    if amount_cents is not None and not 0 < amount_cents <= MAX_CENTS:
        raise Unprocessable("amount_cents must be positive", code="invalid_amount")
    if everything == bool(bill_ids):
        raise Unprocessable("name bills, or ask to repay everything", code="invalid_repayment")
    line = lines.line_of(session, user_id, lock=True)
    if line is None:
        raise NotFound("no credit line", code="no_credit_line")
    if idempotency_key:
        done = session.scalar(select(CreditRepayment).where(
            CreditRepayment.user_id == user_id, CreditRepayment.idempotency_key ==
            idempotency_key))
        if done is not None:
            return done
    rows, future = _chosen(session, line.id, bill_ids, everything)
    waive_fee = settings.credit_early_repayment_waives_fee
    owed = sum(r.outstanding_cents for r in rows) + sum(
        r.amount_cents - r.interest_cents - (r.fee_cents if waive_fee else 0) for r in future)
    if owed == 0:
        raise Unprocessable("nothing is owed on these bills", code="nothing_owed")
    amount = owed if amount_cents is None else amount_cents
    if amount > owed:
        raise Unprocessable("the repayment is larger than what is owed",
                            code="repayment_exceeds_owed",
                            details={"owed_cents": owed, "currency": line.currency})
    waived = 0
    for row in future:  # early repayment: bill now, waive the unearned part
        bills.issue(session, row, at=at, early=True)
        part = row.interest_cents + (row.fee_cents if waive_fee else 0)
        bills.waive(session, row, part, at=at)
        waived += row.interest_cents
        if row.outstanding_cents == 0:
            row.status, row.paid_at = PAID, at
    repayment = CreditRepayment(line_id=line.id, user_id=user_id, channel=channel,
                                amount_cents=amount, returned_cents=0, currency=line.currency,
                                idempotency_key=idempotency_key, created_at=at)
    session.add(repayment)
    session.flush()
    repayment.reference = f"sbx_rep_{repayment.id}"
    split = {"late_fee": 0, "fee": 0, "interest": 0, "principal": 0}
    principal_by_plan: dict[str, int] = {}
    left = amount
    for row in sorted(rows + future, key=lambda r: (r.due_date, r.seq)):
        if left == 0:
            break
        take = min(left, row.outstanding_cents)
        if take == 0:
            continue
        parts = _allocate(row, take)
        for k, v in parts.items():
            split[k] += v
        principal_by_plan[row.plan_id] = principal_by_plan.get(row.plan_id, 0) + \
            parts["principal"]
        bills.record_repayment(session, row, take, repayment_id=repayment.id, at=at)
        left -= take
    for plan_id, principal in principal_by_plan.items():
        plan = session.get(CreditPlan, plan_id, with_for_update=True)
        plan.principal_outstanding_cents -= principal
        if plan.status == "active" and not _open_rows(session, plan_id):
            plan.status = "settled"
    lines.restore(session, line, split["principal"], reason="repayment", plan_id=None, at=at)
    bills.refresh_line_status(session, line, at=at, grace_days=settings.credit_grace_days)
    emit(session=session, event=ce.CreditRepaymentReceived(
        occurred_at=at, user_id=user_id, payload=ce.CreditRepaymentReceivedPayload(
            repayment_id=repayment.id, line_id=line.id, channel=channel, amount_cents=amount,
            principal_cents=split["principal"], interest_cents=split["interest"],
            fee_cents=split["fee"], late_fee_cents=split["late_fee"],
            waived_interest_cents=waived, currency=line.currency,
            bill_ids=[r.id for r in rows + future])))
    return repayment


def _chosen(session: Session, line_id: str, bill_ids: list[str] | None,
            everything: bool) -> tuple[list[CreditInstallment], list[CreditInstallment]]:
    """(billed rows to repay, instalments not yet billed to repay early)."""
    if everything:
        rows = list(session.scalars(select(CreditInstallment).where(
            CreditInstallment.line_id == line_id,
            CreditInstallment.status.in_((BILLED, SCHEDULED))).with_for_update()))
        return ([r for r in rows if r.status == BILLED],
                [r for r in rows if r.status == SCHEDULED])
    ids = list(dict.fromkeys(bill_ids or []))
    rows = list(session.scalars(select(CreditInstallment).where(
        CreditInstallment.id.in_(ids), CreditInstallment.line_id == line_id,
        CreditInstallment.status != SCHEDULED).with_for_update()))
    missing = set(ids) - {r.id for r in rows}
    if missing:
        raise NotFound("bill not found", code="bill_not_found", details=sorted(missing))
    closed = sorted(r.id for r in rows if r.status in (PAID, CANCELLED))
    if closed:
        raise Unprocessable("these bills are already settled", code="bill_not_open",
                            details=closed)
    return rows, []


def _allocate(row: CreditInstallment, take: int) -> dict[str, int]:
    parts = {}
    for key, due, paid in (("late_fee", row.late_fee_cents, "paid_late_fee_cents"),
                           ("fee", row.fee_cents, "paid_fee_cents"),
                           ("interest", row.interest_cents, "paid_interest_cents"),
                           ("principal", row.principal_cents, "paid_principal_cents")):
        # waived amounts come off interest then fee: they are never due
        free = due - getattr(row, paid) - _waived_part(row, key)
        part = min(take, max(0, free))
        setattr(row, paid, getattr(row, paid) + part)
        parts[key] = part
        take -= part
    if take:
        raise AssertionError("allocation beyond the bill")  # outstanding_cents bounds take
    return parts


def _waived_part(row: CreditInstallment, key: str) -> int:
    if key == "interest":
        return min(row.waived_cents, row.interest_cents)
    if key == "fee":
        return max(0, row.waived_cents - row.interest_cents)
    return 0


def _open_rows(session: Session, plan_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(CreditInstallment).where(
        CreditInstallment.plan_id == plan_id,
        CreditInstallment.status.in_((SCHEDULED, BILLED)))))


def returned_for_plan(session: Session, plan_id: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(CreditReturn.amount_cents), 0))
                              .where(CreditReturn.plan_id == plan_id)))


def give_back(session: Session, *, plan: CreditPlan, plan_refund: CreditPlanRefund,
              amount_cents: int, at: datetime) -> list[CreditReturn]:
    """Return ``amount_cents`` the shopper overpaid on ``plan`` through the channels of the
    repayments that paid it, newest first."""
    paid = dict(session.execute(
        select(CreditBillEntry.repayment_id, -func.sum(CreditBillEntry.amount_cents))
        .join(CreditInstallment, CreditInstallment.id == CreditBillEntry.bill_id)
        .where(CreditInstallment.plan_id == plan.id, CreditBillEntry.kind == "repayment")
        .group_by(CreditBillEntry.repayment_id)).all())
    back = dict(session.execute(
        select(CreditReturn.repayment_id, func.sum(CreditReturn.amount_cents))
        .where(CreditReturn.plan_id == plan.id).group_by(CreditReturn.repayment_id)).all())
    repays = session.scalars(select(CreditRepayment).where(CreditRepayment.id.in_(list(paid)))
                             .order_by(CreditRepayment.created_at.desc(),
                                       CreditRepayment.id.desc()).with_for_update())
    out, left = [], amount_cents
    for rep in repays:
        take = min(left, int(paid[rep.id]) - int(back.get(rep.id, 0)),
                   rep.amount_cents - rep.returned_cents)
        if take <= 0:
            continue
        rep.returned_cents += take
        ret = CreditReturn(repayment_id=rep.id, plan_refund_id=plan_refund.id, plan_id=plan.id,
                           channel=rep.channel, amount_cents=take, currency=rep.currency,
                           created_at=at)
        session.add(ret)
        session.flush()
        ret.reference = f"sbx_ret_{ret.id}"  # the sandbox channel pays back at once
        out.append(ret)
        left -= take
        if left == 0:
            break
    if left:
        raise AssertionError("overpayment larger than what the plan's repayments paid")
    return out
