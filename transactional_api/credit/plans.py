"""Installment offers and plans: whether this shopper may pay this amount in installments
and on which terms, the plan a credit payment creates, and what a refund of a credit
order does to it.

A refund recomputes the plan as if the order had cost the refunded-down amount (same
rate and fee; a full refund owes nothing at all): unpaid instalments are cancelled, what
is still owed is re-spread over the cancelled instalments' dates, the principal no longer
owed returns to the limit, and what the shopper paid beyond the new total goes back
through the channel they repaid with. Late fees already paid are kept; unpaid ones on a
cancelled bill are forgiven.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.credit import bills, lines, repayments, scoring
from transactional_api.credit import schedule as sched
from transactional_api.credit.models import (
    ACTIVE,
    BILLED,
    SCHEDULED,
    CreditInstallment,
    CreditLine,
    CreditPlan,
    CreditPlanRefund,
)
from transactional_api.events import credit_events as ce
from transactional_api.events.outbox import emit


@dataclass
class Offer:
    eligible: bool
    amount_cents: int
    currency: str
    available_cents: int
    reasons: list[str] = field(default_factory=list)
    quotes: list[sched.Quote] = field(default_factory=list)


def quotes_for(settings: Settings, amount_cents: int, start: date) -> list[sched.Quote]:
    return [sched.quote(principal_cents=amount_cents, term_months=term,
                        interest_bps=settings.credit_plan_interest_bps[term],
                        fee_cents=settings.credit_plan_fee_cents.get(term, 0), start=start)
            for term in sorted(settings.credit_plan_interest_bps)]


def offer(*, session: Session, settings: Settings, redis_client: redis.Redis, user_id: str,
          amount_cents: int, currency: str, today: date) -> Offer:
    """The real-time rules: a line that may be spent from, an amount within the configured
    range and the available limit, in the line's currency, and risk control not blocking."""
    line = lines.line_of(session, user_id)
    reasons = []
    why = lines.spendable(line)
    if why:
        reasons.append(why)
    if line is not None and currency != line.currency:
        reasons.append("currency_not_supported")
    if amount_cents < settings.credit_installment_min_cents:
        reasons.append("amount_below_minimum")
    if amount_cents > settings.credit_installment_max_cents:
        reasons.append("amount_above_maximum")
    if line is not None and amount_cents > line.available_cents:
        reasons.append("credit_limit_exceeded")
    if scoring.risk_outcome(redis_client, user_id, settings.risk_limits) == "block":
        reasons.append("risk_blocked")
    out = Offer(eligible=not reasons, amount_cents=amount_cents, currency=currency,
                available_cents=line.available_cents if line else 0, reasons=reasons)
    if amount_cents >= 1:
        out.quotes = quotes_for(settings, amount_cents, today)
    return out


def create(*, session: Session, settings: Settings, line: CreditLine, order_id: str,
           payment_id: str, amount_cents: int, currency: str, term_months: int,
           at: datetime) -> CreditPlan:
    """Deduct the limit and create the plan, in the payment's transaction (line locked)."""
    if term_months not in settings.credit_plan_interest_bps:
        raise Unprocessable("this term is not offered", code="credit_term_not_offered",
                            details={"terms": sorted(settings.credit_plan_interest_bps)})
    if currency != line.currency:
        raise Unprocessable(f"the credit line is in {line.currency}",
                            code="currency_not_supported")
    if not settings.credit_installment_min_cents <= amount_cents <= \
            settings.credit_installment_max_cents:
        raise Unprocessable("the amount is outside the installment range",
                            code="credit_amount_out_of_range")
    q = sched.quote(principal_cents=amount_cents, term_months=term_months,
                    interest_bps=settings.credit_plan_interest_bps[term_months],
                    fee_cents=settings.credit_plan_fee_cents.get(term_months, 0),
                    start=at.date())
    plan = CreditPlan(line_id=line.id, user_id=line.user_id, order_id=order_id,
                      payment_id=payment_id, term_months=term_months,
                      interest_bps=q.interest_bps, principal_cents=q.principal_cents,
                      interest_cents=q.interest_cents, fee_cents=q.fee_cents,
                      principal_outstanding_cents=q.principal_cents, refunded_cents=0,
                      currency=currency, status=ACTIVE, created_at=at)
    session.add(plan)
    session.flush()
    lines.use(session, line, amount_cents, plan_id=plan.id, at=at)
    _add_rows(session, plan, q.installments)
    emit(session=session, event=ce.InstallmentPlanCreated(
        occurred_at=at, user_id=line.user_id, payload=ce.InstallmentPlanCreatedPayload(
            plan_id=plan.id, line_id=line.id, order_id=order_id, payment_id=payment_id,
            term_months=term_months, interest_bps=q.interest_bps,
            principal_cents=q.principal_cents, interest_cents=q.interest_cents,
            fee_cents=q.fee_cents, total_cents=q.total_cents, currency=currency,
            first_due_date=q.installments[0].due_date)))
    return plan


def by_payment(session: Session, payment_id: str) -> CreditPlan | None:
    return session.scalar(select(CreditPlan).where(CreditPlan.payment_id == payment_id))


def rows_of(session: Session, plan_id: str) -> list[CreditInstallment]:
    return list(session.scalars(select(CreditInstallment).where(
        CreditInstallment.plan_id == plan_id).order_by(CreditInstallment.seq)))


def refund(*, session: Session, settings: Settings, payment_id: str, refund_id: str,
           amount_cents: int, at: datetime) -> CreditPlanRefund:
    """A refund of ``amount_cents`` of a credit order (called by the credit channel inside
    the payments domain's refund transaction); a repeated refund id changes nothing."""
    plan = by_payment(session, payment_id)
    if plan is None:
        raise Unprocessable("no credit plan for this payment", code="refund_not_possible")
    done = session.scalar(select(CreditPlanRefund).where(
        CreditPlanRefund.refund_id == refund_id, CreditPlanRefund.payment_id == payment_id))
    if done is not None:
        return done
    line = lines.get_line(session, plan.line_id, lock=True)
    session.refresh(plan, with_for_update=True)
    if plan.refunded_cents + amount_cents > plan.principal_cents:
        raise Unprocessable("the refund exceeds the plan's principal",
                            code="refund_exceeds_captured")
    rows = rows_of(session, plan.id)
    paid_p = sum(r.paid_principal_cents for r in rows)
    paid_i = sum(r.paid_interest_cents for r in rows)
    paid_f = sum(r.paid_fee_cents for r in rows)
    paid_net = paid_p + paid_i + paid_f - repayments.returned_for_plan(session, plan.id)
    owe_p, owe_i, owe_f = sched.owed_after_refund(
        principal_cents=plan.principal_cents, refund_cents=plan.refunded_cents + amount_cents,
        interest_bps=plan.interest_bps, fee_cents=plan.fee_cents)
    # what an early repayment waived is never owed again
    waived_i = sum(min(r.waived_cents, r.interest_cents) for r in rows)
    waived_f = sum(max(0, r.waived_cents - r.interest_cents) for r in rows)
    owe_i = min(owe_i, plan.interest_cents - waived_i)
    owe_f = min(owe_f, plan.fee_cents - waived_f)
    open_rows = [r for r in rows if r.status in (SCHEDULED, BILLED)]
    for row in open_rows:
        bills.cancel(session, row, at=at)
    remaining = max(0, owe_p + owe_i + owe_f - paid_net)
    overpayment = max(0, paid_net - (owe_p + owe_i + owe_f))
    rem_p = min(max(0, owe_p - paid_p), remaining, plan.principal_outstanding_cents)
    rem_i = min(max(0, owe_i - paid_i), remaining - rem_p)
    rem_f = remaining - rem_p - rem_i
    if remaining:
        dates = [r.due_date for r in open_rows] or [sched.add_months(at.date(), 1)]
        _add_rows(session, plan, sched.spread(
            principal_cents=rem_p, interest_cents=rem_i, fee_cents=rem_f, due_dates=dates,
            first_seq=max(r.seq for r in rows) + 1))
    restored = plan.principal_outstanding_cents - rem_p
    plan.principal_outstanding_cents = rem_p
    plan.refunded_cents += amount_cents
    plan.status = "refunded" if plan.refunded_cents == plan.principal_cents else (
        ACTIVE if remaining else "settled")
    lines.restore(session, line, restored, reason="refund", plan_id=plan.id, at=at)
    row = CreditPlanRefund(plan_id=plan.id, refund_id=refund_id, payment_id=payment_id,
                           amount_cents=amount_cents, overpayment_cents=overpayment,
                           limit_restored_cents=restored, currency=plan.currency,
                           created_at=at)
    session.add(row)
    session.flush()
    if overpayment:
        repayments.give_back(session, plan=plan, plan_refund=row, amount_cents=overpayment,
                             at=at)
    bills.refresh_line_status(session, line, at=at, grace_days=settings.credit_grace_days)
    emit(session=session, event=ce.InstallmentPlanRefunded(
        occurred_at=at, user_id=plan.user_id, payload=ce.InstallmentPlanRefundedPayload(
            plan_id=plan.id, line_id=line.id, order_id=plan.order_id, refund_id=refund_id,
            refund_cents=amount_cents, cancelled_installments=len(open_rows),
            limit_restored_cents=restored, overpayment_cents=overpayment,
            owed_after_cents=remaining, currency=plan.currency)))
    return row


def plan_for_user(session: Session, plan_id: str, user_id: str) -> CreditPlan:
    plan = session.get(CreditPlan, plan_id)
    if plan is None or plan.user_id != user_id:
        raise NotFound("plan not found")
    return plan


def plans_of(session: Session, line_id: str) -> list[CreditPlan]:
    return list(session.scalars(select(CreditPlan).where(CreditPlan.line_id == line_id)
                                .order_by(CreditPlan.created_at, CreditPlan.id)))


def outstanding_total(session: Session, line_id: str) -> int:
    """Everything still owed on the line, billed or not."""
    rows = session.scalars(select(CreditInstallment).where(
        CreditInstallment.line_id == line_id,
        CreditInstallment.status.in_((SCHEDULED, BILLED))))
    return sum(r.outstanding_cents for r in rows)


def _add_rows(session: Session, plan: CreditPlan, items) -> None:
    for item in items:
        session.add(CreditInstallment(
            plan_id=plan.id, line_id=plan.line_id, user_id=plan.user_id, seq=item.seq,
            due_date=item.due_date, principal_cents=item.principal_cents,
            interest_cents=item.interest_cents, fee_cents=item.fee_cents, late_fee_cents=0,
            paid_principal_cents=0, paid_interest_cents=0, paid_fee_cents=0,
            paid_late_fee_cents=0, waived_cents=0, cancelled_cents=0, late_fee_periods=0,
            currency=plan.currency, status=SCHEDULED))
    session.flush()

