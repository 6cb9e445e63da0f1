"""The "credit" payment channel: pays an order at once from the shopper's credit line and
turns it into an installment plan; refunds of the order go back through it (plans.refund).

The term is chosen at checkout, which the generic payment route does not carry: shoppers
pay through ``POST /v1/orders/{order_id}/credit-payment`` (credit/router.py), which calls
the payments domain's create_payment with this channel and the term in its options.
Offered where the sandbox is on (its repayment channel and funder are sandboxes), or
when settings.payment_channels lists it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core.errors import Unprocessable
from transactional_api.credit import funders, lines, plans
from transactional_api.credit.models import CreditPlan, CreditPlanRefund
from transactional_api.payments import sandbox_provider as books
from transactional_api.payments.channels import (
    PENDING,
    SUCCEEDED,
    ProviderEvent,
    StartResult,
    StatementEntry,
)
from transactional_api.payments.registry import ChannelBase, register


@register
class CreditChannel(ChannelBase):
    name = "credit"
    label = "Pay in installments"
    position = 50
    flow = "instant"
    sandbox = True
    min_amount_cents = 1

    def __init__(self, settings: Settings):
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings, *, secret: str) -> CreditChannel:
        return cls(settings)

    def availability(self, *, session: Session, user_id: str, amount_cents: int,
                     currency: str) -> str | None:
        reason = super().availability(session=session, user_id=user_id,
                                      amount_cents=amount_cents, currency=currency)
        if reason:
            return reason
        if not self.settings.credit_installment_min_cents <= amount_cents:
            return "amount_below_minimum"
        if amount_cents > self.settings.credit_installment_max_cents:
            return "amount_above_maximum"
        line = lines.line_of(session, user_id)
        why = lines.spendable(line)
        if why:
            return why
        if line.currency != currency:
            return "currency_not_supported"
        return None if amount_cents <= line.available_cents else "credit_limit_exceeded"

    def start(self, *, session: Session, payment_id: str, order_id: str, user_id: str,
              amount_cents: int, currency: str, started_at: datetime,
              options: dict) -> StartResult:
        term = options.get("term_months")
        if term is None:
            raise Unprocessable("choose a term: POST /v1/orders/{order_id}/credit-payment",
                                code="credit_term_required")
        line = lines.line_of(session, user_id, lock=True)
        why = lines.spendable(line)
        if why:
            raise Unprocessable(f"credit cannot pay this order: {why}", code=why)
        plan = plans.create(session=session, settings=self.settings, line=line,
                            order_id=order_id, payment_id=payment_id,
                            amount_cents=amount_cents, currency=currency, term_months=term,
                            at=started_at)
        if self.settings.credit_funder and self.settings.credit_assign_at == "payment":
            funders.assign(session, plan, funder_name=self.settings.credit_funder,
                           trigger="payment", at=started_at)
        return StartResult(status=PENDING, provider_reference=_reference(plan),
                           event=_paid(plan))

    def lookup(self, *, session: Session, payment_id: str) -> ProviderEvent | None:
        plan = plans.by_payment(session, payment_id)
        return None if plan is None else _paid(plan)

    def refund(self, *, session: Session, payment_id: str, refund_id: str, amount_cents: int,
               currency: str, occurred_at: datetime) -> str:
        row = plans.refund(session=session, settings=self.settings, payment_id=payment_id,
                           refund_id=refund_id, amount_cents=amount_cents, at=occurred_at)
        return f"crd_ref_{row.id}"

    def statement(self, *, session: Session, day: date) -> list[StatementEntry]:
        start, end = books.day_bounds(day)
        out = [StatementEntry(channel=self.name, kind="captured", payment_id=p.payment_id,
                              amount_cents=p.principal_cents, currency=p.currency,
                              provider_reference=_reference(p), occurred_at=p.created_at)
               for p in session.scalars(select(CreditPlan).where(
                   CreditPlan.created_at >= start, CreditPlan.created_at < end)
                   .order_by(CreditPlan.created_at, CreditPlan.id))]
        out += [StatementEntry(channel=self.name, kind="refunded", payment_id=r.payment_id,
                               amount_cents=r.amount_cents, currency=r.currency,
                               provider_reference=f"crd_ref_{r.id}", occurred_at=r.created_at)
                for r in session.scalars(select(CreditPlanRefund).where(
                    CreditPlanRefund.created_at >= start, CreditPlanRefund.created_at < end)
                    .order_by(CreditPlanRefund.created_at, CreditPlanRefund.id))]
        return out


def _reference(plan: CreditPlan) -> str:
    return f"crd_{plan.id}"


def _paid(plan: CreditPlan) -> ProviderEvent:
    return ProviderEvent(provider_event_id=f"credit_{plan.payment_id}",
                         payment_id=plan.payment_id, status=SUCCEEDED,
                         amount_cents=plan.principal_cents, currency=plan.currency,
                         occurred_at=plan.created_at, provider_reference=_reference(plan))
