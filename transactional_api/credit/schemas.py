"""Request and response shapes of the credit routes. Amounts in minor units with their
currency beside them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.payments.schemas import PaymentOut

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    income_band: Code
    employment_status: Code
    purpose: Code


class FactorOut(BaseModel):
    name: str
    effect: str
    detail: str | None = None


class ApplicationOut(BaseModel):
    id: str
    decision: str
    reason_code: str | None
    limit_cents: int
    currency: str
    score: int | None
    model: str
    factors: list[FactorOut]
    line_id: str | None
    created_at: datetime


class LineOut(BaseModel):
    id: str
    status: str
    limit_cents: int
    used_cents: int
    available_cents: int
    owed_cents: int  # everything still owed: principal, interest, fees, billed or not
    currency: str


class InstallmentOut(BaseModel):
    seq: int
    due_date: date
    principal_cents: int
    interest_cents: int
    fee_cents: int
    amount_cents: int


class QuoteOut(BaseModel):
    term_months: int
    interest_bps: int
    principal_cents: int
    interest_cents: int
    fee_cents: int
    cost_cents: int  # interest + fee: what paying in installments costs
    total_cents: int
    currency: str
    installments: list[InstallmentOut]


class OfferOut(BaseModel):
    eligible: bool
    reasons: list[str]
    amount_cents: int
    currency: str
    available_cents: int
    plans: list[QuoteOut]


class CreditPaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    term_months: int = Field(ge=1, le=60)


class BillOut(BaseModel):
    id: str
    plan_id: str
    seq: int
    status: str
    due_date: date
    principal_cents: int
    interest_cents: int
    fee_cents: int
    amount_cents: int  # principal + interest + fee, as scheduled
    late_fee_cents: int
    waived_cents: int
    cancelled_cents: int
    paid_cents: int
    outstanding_cents: int
    currency: str
    overdue: bool


class PlanOut(BaseModel):
    id: str
    order_id: str
    payment_id: str
    status: str
    term_months: int
    interest_bps: int
    principal_cents: int
    interest_cents: int
    fee_cents: int
    refunded_cents: int
    principal_outstanding_cents: int
    currency: str
    funder: str | None
    created_at: datetime
    installments: list[BillOut]


class CreditPaymentOut(BaseModel):
    payment: PaymentOut
    plan: PlanOut


class RepaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bill_ids: list[Annotated[str, Field(min_length=1, max_length=36)]] | None = Field(
        None, max_length=100)
    all: bool = False
    amount_cents: int | None = Field(None, ge=1, le=10**12)
    channel: str = Field("sandbox", min_length=1, max_length=16)


class RepaymentOut(BaseModel):
    id: str
    channel: str
    amount_cents: int
    returned_cents: int
    currency: str
    reference: str | None
    created_at: datetime
    line: LineOut


class BillingRunOut(BaseModel):
    lines: int
    issued: int
    overdue: int
    assigned: int
