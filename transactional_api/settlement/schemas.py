"""Settlement's HTTP shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Bps = Annotated[int, Field(strict=True, ge=0, le=10_000)]


class CommissionRateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    merchant_id: str | None = Field(None, min_length=1, max_length=36)
    category_id: str | None = Field(None, min_length=1, max_length=36)
    rate_bps: Bps
    fee_fixed_cents: Annotated[int, Field(strict=True, ge=0, le=10**8)] = 0
    fee_bps: Bps = 0


class CommissionRateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    merchant_id: str | None
    category_id: str | None
    rate_bps: int
    fee_fixed_cents: int
    fee_bps: int
    updated_at: datetime


class StatementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    merchant_id: str
    cycle: str
    period_key: str
    period_end: datetime
    currency: str
    sub_order_count: int
    gross_cents: int
    commission_cents: int
    fee_cents: int
    merchant_discount_cents: int
    refunds_cents: int
    adjustments_cents: int
    opening_cents: int
    deposit_deducted_cents: int
    net_payable_cents: int
    created_at: datetime


class PayoutOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    amount_cents: int
    currency: str
    status: str
    attempts: int
    sent_at: datetime | None


class StatementDetailOut(StatementOut):
    payout: PayoutOut | None


class BalanceOut(BaseModel):
    merchant_id: str
    balance_cents: int
    payable_cents: int
    pending_cents: int
    payout_in_flight_cents: int
    deposit_cents: int
