"""Credit lines and installments: applications and their decisions, limit changes, plans,
bills, repayments, overdue bills, refunds of credit orders and receivables assigned to a
funder. Every amount is in integer minor units with its currency beside it; the envelope's
user_id is the shopper's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict

Currency = Annotated[str, Field(min_length=3, max_length=3)]
Code = Annotated[str, Field(min_length=1, max_length=40)]
Term = Annotated[int, Field(strict=True, ge=1, le=60)]
Seq = Annotated[int, Field(strict=True, ge=1, le=60)]
Bps = Annotated[int, Field(strict=True, ge=0, le=100_000)]


class CreditFactor(Strict):
    name: Code
    effect: Literal["positive", "negative", "neutral", "decisive"]
    detail: str | None = Field(None, max_length=200)


class CreditApplicationDecidedPayload(Strict):
    application_id: Id
    decision: Literal["approved", "declined"]
    reason_code: Code | None = None
    limit_cents: Cents
    currency: Currency
    score: Annotated[int, Field(strict=True, ge=0, le=1000)] | None = None
    model: Code  # the scoring model's name, or "rules_only" when none was published
    income_band: Code
    employment_status: Code
    purpose: Code
    factors: list[CreditFactor]
    line_id: Id | None = None


class CreditLimitChangedPayload(Strict):
    line_id: Id
    kind: Literal["opened", "use", "restore", "adjust", "status"]
    amount_cents: Cents  # what moved (0 for opened / a status change)
    limit_cents: Cents
    used_cents: Cents
    available_cents: Cents
    currency: Currency
    status: Literal["active", "overdue", "closed"]
    reason: Code
    plan_id: Id | None = None


class InstallmentPlanCreatedPayload(Strict):
    plan_id: Id
    line_id: Id
    order_id: Id
    payment_id: Id
    term_months: Term
    interest_bps: Bps
    principal_cents: Cents
    interest_cents: Cents
    fee_cents: Cents
    total_cents: Cents
    currency: Currency
    first_due_date: date


class CreditBillIssuedPayload(Strict):
    bill_id: Id
    plan_id: Id
    line_id: Id
    seq: Seq
    due_date: date
    principal_cents: Cents
    interest_cents: Cents
    fee_cents: Cents
    amount_cents: Cents
    currency: Currency
    early: bool  # billed ahead of its date by an early repayment


class CreditRepaymentReceivedPayload(Strict):
    repayment_id: Id
    line_id: Id
    channel: Code
    amount_cents: Cents
    principal_cents: Cents
    interest_cents: Cents
    fee_cents: Cents
    late_fee_cents: Cents
    waived_interest_cents: Cents
    currency: Currency
    bill_ids: list[Id]


class CreditBillOverduePayload(Strict):
    bill_id: Id
    plan_id: Id
    line_id: Id
    due_date: date
    days_overdue: Annotated[int, Field(strict=True, ge=0, le=100_000)]
    period: Annotated[int, Field(strict=True, ge=1, le=10_000)]
    late_fee_cents: Cents
    outstanding_cents: Cents
    currency: Currency
    # The score-side effect: the pipeline lowers the user's credit score by this much.
    score_penalty: Annotated[int, Field(strict=True, ge=0, le=1000)]


class InstallmentPlanRefundedPayload(Strict):
    plan_id: Id
    line_id: Id
    order_id: Id
    refund_id: Id
    refund_cents: Cents
    cancelled_installments: Annotated[int, Field(strict=True, ge=0, le=60)]
    limit_restored_cents: Cents
    overpayment_cents: Cents  # returned through the channels the shopper repaid with
    owed_after_cents: Cents
    currency: Currency


class CreditReceivableAssignedPayload(Strict):
    plan_id: Id
    funder: Code
    funder_reference: Annotated[str, Field(min_length=1, max_length=80)]
    receivable_cents: Cents
    currency: Currency
    trigger: Literal["payment", "completion"]


class CreditApplicationDecided(Envelope):
    event_type: Literal["credit_application_decided"] = "credit_application_decided"
    payload: CreditApplicationDecidedPayload


class CreditLimitChanged(Envelope):
    event_type: Literal["credit_limit_changed"] = "credit_limit_changed"
    payload: CreditLimitChangedPayload


class InstallmentPlanCreated(Envelope):
    event_type: Literal["installment_plan_created"] = "installment_plan_created"
    payload: InstallmentPlanCreatedPayload


class CreditBillIssued(Envelope):
    event_type: Literal["credit_bill_issued"] = "credit_bill_issued"
    payload: CreditBillIssuedPayload


class CreditRepaymentReceived(Envelope):
    event_type: Literal["credit_repayment_received"] = "credit_repayment_received"
    payload: CreditRepaymentReceivedPayload


class CreditBillOverdue(Envelope):
    event_type: Literal["credit_bill_overdue"] = "credit_bill_overdue"
    payload: CreditBillOverduePayload


class InstallmentPlanRefunded(Envelope):
    event_type: Literal["installment_plan_refunded"] = "installment_plan_refunded"
    payload: InstallmentPlanRefundedPayload


class CreditReceivableAssigned(Envelope):
    event_type: Literal["credit_receivable_assigned"] = "credit_receivable_assigned"
    payload: CreditReceivableAssignedPayload


CREDIT_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (CreditApplicationDecided, CreditLimitChanged, InstallmentPlanCreated,
              CreditBillIssued, CreditRepaymentReceived, CreditBillOverdue,
              InstallmentPlanRefunded, CreditReceivableAssigned)
}
