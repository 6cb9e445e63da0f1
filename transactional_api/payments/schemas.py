from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.events.contract import MAX_CENTS, UtcDateTime

Amount = Field(strict=True, ge=1, le=MAX_CENTS)


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: str = Field("sandbox", min_length=1, max_length=32)
    # Only where the operator lets shoppers choose (the demo); elsewhere sending it is a 422.
    sandbox_outcome: Literal["succeed", "fail"] | None = None


class PaymentOut(BaseModel):
    id: str
    order_id: str
    channel: str
    amount_cents: int
    currency: str
    status: str
    failure_reason: str | None
    created_at: datetime
    captured_cents: int = 0
    refunded_cents: int = 0
    card_last4: str | None = None
    provider_reference: str | None = None
    # What the shopper does next: a hosted page to visit, or transfer instructions.
    next_action: dict[str, Any] | None = None


class TransactionOut(BaseModel):
    kind: str
    amount_cents: int
    currency: str
    provider_reference: str | None
    refund_id: str | None
    occurred_at: datetime


class ProviderEventOut(BaseModel):
    provider_event_id: str
    kind: str
    occurred_at: datetime
    received_at: datetime
    outcome: str


class RefundPartOut(BaseModel):
    payment_id: str
    amount_cents: int
    provider_reference: str | None


class RefundOut(BaseModel):
    id: str
    order_id: str
    amount_cents: int
    currency: str
    reason: str
    reference: str
    status: str
    actor_id: str | None
    created_at: datetime
    parts: list[RefundPartOut]


class PaymentDetailOut(PaymentOut):
    transactions: list[TransactionOut]
    provider_events: list[ProviderEventOut]
    refunds: list[RefundOut]


class CallbackIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    provider_event_id: str = Field(min_length=1, max_length=128)
    payment_id: str = Field(min_length=1, max_length=36)
    status: Literal["succeeded", "failed", "authorized"]
    amount_cents: int = Field(strict=True, ge=0, le=MAX_CENTS)
    currency: str = Field(min_length=3, max_length=3)
    occurred_at: UtcDateTime
    reason: str | None = Field(None, max_length=200)
    provider_reference: str | None = Field(None, min_length=1, max_length=128)
    card_token: str | None = Field(None, pattern=r"^tok_[A-Za-z0-9_-]{8,60}$")
    card_last4: str | None = Field(None, pattern=r"^[0-9]{4}$")


class CallbackOut(BaseModel):
    outcome: str


class OfferOut(BaseModel):
    channel: str
    label: str
    flow: str
    min_amount_cents: int
    max_amount_cents: int


class UnavailableOut(BaseModel):
    channel: str
    reason: str


class PaymentOptionsOut(BaseModel):
    order_id: str
    amount_cents: int
    currency: str
    payable: bool
    options: list[OfferOut]
    unavailable: list[UnavailableOut]


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_cents: int = Amount
    reason: str = Field(min_length=1, max_length=200)


class WalletCreditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_cents: int = Amount
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    note: str | None = Field(None, max_length=200)


class WalletEntryOut(BaseModel):
    id: int
    kind: str
    amount_cents: int
    currency: str
    balance_after_cents: int
    reason: str
    payment_id: str | None
    refund_id: str | None
    note: str | None
    created_at: datetime


class WalletOut(BaseModel):
    user_id: str
    currency: str | None
    balance_cents: int
    entries: list[WalletEntryOut]
    total_entries: int


class ChannelSummaryOut(BaseModel):
    ledger_entries: int
    statement_entries: int
    mismatches: int


class MismatchOut(BaseModel):
    channel: str
    kind: str
    transaction_kind: str
    payment_id: str | None
    provider_reference: str
    ledger_amount_cents: int | None
    statement_amount_cents: int | None
    currency: str


class RunOut(BaseModel):
    run_id: str
    day: date
    ran_at: datetime
    channels: dict[str, ChannelSummaryOut]
    mismatches: list[MismatchOut]


class RunsOut(BaseModel):
    runs: list[RunOut]


class FaultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: str = Field(min_length=1, max_length=32)
    day: date
    action: Literal["drop", "alter", "add"]
    # drop/alter: this entry (default: the day's first); add: the invented entry's reference
    provider_reference: str | None = Field(None, min_length=1, max_length=128)
    amount_cents: int | None = Field(None, strict=True, ge=0, le=MAX_CENTS)


class FaultOut(BaseModel):
    id: int
    channel: str
    day: date
    action: str
    provider_reference: str | None
    amount_cents: int | None


class StatementEntryOut(BaseModel):
    kind: str
    payment_id: str | None
    amount_cents: int
    currency: str
    provider_reference: str
    occurred_at: datetime


class StatementOut(BaseModel):
    channel: str
    day: date
    entries: list[StatementEntryOut]
