"""Credit routes: apply, the line, installment offers, paying an order with credit, plans,
bills and repayments; operators run the billing job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response

from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, Db, FinanceCaller, ReadDb, SettingsDep
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.credit import bills, jobs, lines, plans, repayments, scoring
from transactional_api.credit import channel as _channel  # noqa: F401 (registers "credit")
from transactional_api.credit.models import CreditInstallment, CreditLine, CreditPlan
from transactional_api.credit.schemas import (
    ApplicationIn,
    ApplicationOut,
    BillingRunOut,
    BillOut,
    CreditPaymentIn,
    CreditPaymentOut,
    FactorOut,
    InstallmentOut,
    LineOut,
    OfferOut,
    PlanOut,
    QuoteOut,
    RepaymentIn,
    RepaymentOut,
)
from transactional_api.orders import service as orders
from transactional_api.payments import service as payments
from transactional_api.payments.views import payment_out
from transactional_api.risk import gates as risk_gates

router = APIRouter(tags=["credit"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]


@router.post("/v1/credit/applications", status_code=201, response_model=ApplicationOut)
def apply(body: ApplicationIn, db: Db, caller: CurrentCaller, request: Request,
          settings: SettingsDep) -> ApplicationOut:
    """Decided at once: approved with a limit, or declined with a reason code; the main
    factors of the decision either way."""
    with db.begin():
        app, line = lines.apply(session=db, redis_client=request.app.state.redis,
                                settings=settings, user_id=caller.id, facts=scoring.Facts(
                                    income_band=body.income_band,
                                    employment_status=body.employment_status,
                                    purpose=body.purpose))
        return ApplicationOut(id=app.id, decision=app.decision, reason_code=app.reason_code,
                              limit_cents=app.limit_cents, currency=app.currency,
                              score=app.score, model=app.model,
                              factors=[FactorOut(**f) for f in app.factors],
                              line_id=line.id if line else None, created_at=app.created_at)


@router.get("/v1/credit/line", response_model=LineOut)
def get_line(db: ReadDb, caller: CurrentCaller) -> LineOut:
    with db.begin():
        line = lines.line_of(db, caller.id)
        if line is None:
            raise NotFound("no credit line", code="no_credit_line")
        return _line_out(db, line)


@router.get("/v1/credit/offers", response_model=OfferOut)
def offers(db: ReadDb, caller: CurrentCaller, request: Request, settings: SettingsDep,
           order_id: Annotated[str | None, Query(max_length=36)] = None,
           amount_cents: Annotated[int | None, Query(ge=1, le=10**12)] = None,
           currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
           ) -> OfferOut:
    """Whether installments are offered for this order (or a cart total), on which terms,
    and every instalment of each term."""
    if (order_id is None) == (amount_cents is None):
        raise Unprocessable("give order_id, or amount_cents (and currency)",
                            code="invalid_offer_request")
    with db.begin():
        if order_id is not None:
            order = orders.get_order(session=db, order_id=order_id, user_id=caller.id)
            amount_cents, currency = order.total_cents, order.currency
        currency = (currency or settings.credit_currency).upper()
        o = plans.offer(session=db, settings=settings, redis_client=request.app.state.redis,
                        user_id=caller.id, amount_cents=amount_cents, currency=currency,
                        today=clock.now().date())
    return OfferOut(eligible=o.eligible, reasons=o.reasons, amount_cents=o.amount_cents,
                    currency=o.currency, available_cents=o.available_cents,
                    plans=[_quote_out(q, o.currency) for q in o.quotes])


@router.post("/v1/orders/{order_id}/credit-payment", status_code=201,
             response_model=CreditPaymentOut)
def pay_with_credit(order_id: IdPath, body: CreditPaymentIn, db: Db, caller: CurrentCaller,
                    request: Request, response: Response, settings: SettingsDep,
                    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
                    ) -> CreditPaymentOut:
    """Pays the order at once from the credit line (the limit is deducted now) and creates
    its installment plan; the order then goes on as any paid order."""
    channels = request.app.state.payment_channels
    channel = channels.get("credit")
    if channel is None:
        raise Unprocessable("paying with credit is not enabled", code="channel_unavailable")
    if scoring.risk_outcome(request.app.state.redis, caller.id,
                            settings.risk_limits) == "block":
        raise Unprocessable("installments are not offered to this account",
                            code="risk_blocked")
    with risk_gates.recording(db), db.begin():
        risk_gates.check_payment(request, session=db, order_id=order_id, user_id=caller.id)
        payment, created = payments.create_payment(
            session=db, order_id=order_id, user_id=caller.id, channel=channel,
            options={"term_months": body.term_months}, idempotency_key=idempotency_key,
            channels=channels)
        plan = plans.by_payment(db, payment.id)
        if plan is None:
            raise Unprocessable("this order was paid another way", code="not_a_credit_payment")
        out = CreditPaymentOut(payment=payment_out(payment), plan=_plan_out(db, plan, settings))
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("/v1/credit/plans", response_model=list[PlanOut])
def list_plans(db: ReadDb, caller: CurrentCaller, settings: SettingsDep) -> list[PlanOut]:
    with db.begin():
        line = lines.line_of(db, caller.id)
        if line is None:
            return []
        return [_plan_out(db, p, settings) for p in plans.plans_of(db, line.id)]


@router.get("/v1/credit/bills", response_model=list[BillOut])
def list_bills(db: ReadDb, caller: CurrentCaller, settings: SettingsDep,
               status: Annotated[str | None, Query(pattern="^(billed|paid|cancelled)$")] = None,
               ) -> list[BillOut]:
    """Issued bills (instalments not yet billed are in their plan)."""
    from sqlalchemy import select
    with db.begin():
        stmt = select(CreditInstallment).where(CreditInstallment.user_id == caller.id,
                                               CreditInstallment.billed_at.is_not(None))
        if status:
            stmt = stmt.where(CreditInstallment.status == status)
        rows = db.scalars(stmt.order_by(CreditInstallment.due_date, CreditInstallment.seq))
        return [_bill_out(r, settings) for r in rows]


@router.post("/v1/credit/repayments", status_code=201, response_model=RepaymentOut)
def repay(body: RepaymentIn, db: Db, caller: CurrentCaller, settings: SettingsDep,
          idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
          ) -> RepaymentOut:
    """Repay bills (``bill_ids``) or everything early (``all``); ``amount_cents`` may pay
    less than owed, never more (422 repayment_exceeds_owed, nothing changes)."""
    with db.begin():
        rep = repayments.repay(session=db, settings=settings, user_id=caller.id,
                               bill_ids=body.bill_ids, everything=body.all,
                               amount_cents=body.amount_cents, channel=body.channel,
                               idempotency_key=idempotency_key, at=clock.now())
        line = lines.get_line(db, rep.line_id)
        return RepaymentOut(id=rep.id, channel=rep.channel, amount_cents=rep.amount_cents,
                            returned_cents=rep.returned_cents, currency=rep.currency,
                            reference=rep.reference, created_at=rep.created_at,
                            line=_line_out(db, line))


@router.post("/v1/admin/credit/billing-runs", response_model=BillingRunOut)
def run_billing(request: Request, _: FinanceCaller, settings: SettingsDep) -> BillingRunOut:
    """Run the nightly job now: bills due instalments, charges late fees, assigns
    receivables of completed orders to the funder."""
    return BillingRunOut(**jobs.nightly(request.app.state.sessions, settings))


def _line_out(db, line: CreditLine) -> LineOut:
    return LineOut(id=line.id, status=line.status, limit_cents=line.limit_cents,
                   used_cents=line.used_cents, available_cents=line.available_cents,
                   owed_cents=plans.outstanding_total(db, line.id), currency=line.currency)


def _quote_out(q, currency: str) -> QuoteOut:
    return QuoteOut(term_months=q.term_months, interest_bps=q.interest_bps,
                    principal_cents=q.principal_cents, interest_cents=q.interest_cents,
                    fee_cents=q.fee_cents, cost_cents=q.cost_cents, total_cents=q.total_cents,
                    currency=currency, installments=[InstallmentOut(
                        seq=i.seq, due_date=i.due_date, principal_cents=i.principal_cents,
                        interest_cents=i.interest_cents, fee_cents=i.fee_cents,
                        amount_cents=i.amount_cents) for i in q.installments])


def _bill_out(r: CreditInstallment, settings) -> BillOut:
    return BillOut(id=r.id, plan_id=r.plan_id, seq=r.seq, status=r.status, due_date=r.due_date,
                   principal_cents=r.principal_cents, interest_cents=r.interest_cents,
                   fee_cents=r.fee_cents, amount_cents=r.amount_cents,
                   late_fee_cents=r.late_fee_cents,
                   waived_cents=r.waived_cents, cancelled_cents=r.cancelled_cents,
                   paid_cents=r.paid_cents, outstanding_cents=r.outstanding_cents,
                   currency=r.currency, overdue=bills.is_overdue(
                       r, clock.now().date(), settings.credit_grace_days))


def _plan_out(db, p: CreditPlan, settings) -> PlanOut:
    return PlanOut(id=p.id, order_id=p.order_id, payment_id=p.payment_id, status=p.status,
                   term_months=p.term_months, interest_bps=p.interest_bps,
                   principal_cents=p.principal_cents, interest_cents=p.interest_cents,
                   fee_cents=p.fee_cents, refunded_cents=p.refunded_cents,
                   principal_outstanding_cents=p.principal_outstanding_cents,
                   currency=p.currency, funder=p.funder, created_at=p.created_at,
                   installments=[_bill_out(r, settings) for r in plans.rows_of(db, p.id)])
