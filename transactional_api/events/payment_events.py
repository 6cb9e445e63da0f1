"""Payments, their transaction ledger, refunds, wallets and reconciliation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Count, Envelope, Id, Strict

Currency = Annotated[str, Field(min_length=3, max_length=3)]
Channel = Annotated[str, Field(min_length=1, max_length=32)]
Reference = Annotated[str, Field(min_length=1, max_length=128)]


class PaymentStartedPayload(Strict):
    payment_id: Id
    order_id: Id
    channel: Channel
    amount_cents: Cents
    currency: Currency


class PaymentAuthorizedPayload(Strict):
    """The provider approved the money (a card after its challenge); capture follows."""

    payment_id: Id
    order_id: Id
    channel: Channel
    amount_cents: Cents
    currency: Currency
    card_last4: str | None = Field(None, min_length=4, max_length=4)


class PaymentCapturedPayload(Strict):
    """The provider took the money: the order is paid, or (refund_due) owed it back."""

    payment_id: Id
    order_id: Id
    channel: Channel
    amount_cents: Cents
    currency: Currency
    provider_reference: Reference | None = None


class RefundSucceededPayload(Strict):
    """Money given back through the channel of one payment (a refund drawing on several
    payments emits one per payment, with the same refund_id)."""

    refund_id: Id
    payment_id: Id
    order_id: Id
    amount_cents: Cents
    currency: Currency
    reason: str = Field(max_length=200)
    channel: Channel
    provider_reference: Reference | None = None


class WalletEntryPayload(Strict):
    """One row of a shopper's wallet ledger (the envelope's user_id is the owner)."""

    entry_id: Annotated[int, Field(strict=True, ge=1)]
    kind: Literal["credit", "debit"]
    amount_cents: Cents
    currency: Currency
    balance_after_cents: Cents
    reason: Literal["top_up", "payment", "refund"]
    payment_id: Id | None = None
    refund_id: Id | None = None


class ReconciliationMismatchPayload(Strict):
    """A difference between our ledger and a channel's statement; a re-run of the same
    day has a new run_id and supersedes the earlier run's findings."""

    run_id: Id
    day: date
    channel: Channel
    kind: Literal["missing_in_statement", "missing_in_ledger", "amount_differs"]
    transaction_kind: Literal["captured", "refunded"]
    payment_id: Id | None = None
    provider_reference: Reference
    ledger_amount_cents: Cents | None = None
    statement_amount_cents: Cents | None = None
    currency: Currency


class ReconciliationCompletedPayload(Strict):
    """One channel reconciled for one day (also when nothing differed)."""

    run_id: Id
    day: date
    channel: Channel
    ledger_entries: Count
    statement_entries: Count
    mismatches: Count


class PaymentStarted(Envelope):
    event_type: Literal["payment_started"] = "payment_started"
    payload: PaymentStartedPayload


class PaymentAuthorized(Envelope):
    event_type: Literal["payment_authorized"] = "payment_authorized"
    payload: PaymentAuthorizedPayload


class PaymentCaptured(Envelope):
    event_type: Literal["payment_captured"] = "payment_captured"
    payload: PaymentCapturedPayload


class RefundSucceeded(Envelope):
    event_type: Literal["refund_succeeded"] = "refund_succeeded"
    payload: RefundSucceededPayload


class WalletEntry(Envelope):
    event_type: Literal["wallet_entry"] = "wallet_entry"
    payload: WalletEntryPayload


class ReconciliationMismatch(Envelope):
    event_type: Literal["reconciliation_mismatch"] = "reconciliation_mismatch"
    payload: ReconciliationMismatchPayload


class ReconciliationCompleted(Envelope):
    event_type: Literal["reconciliation_completed"] = "reconciliation_completed"
    payload: ReconciliationCompletedPayload


PAYMENT_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (PaymentStarted, PaymentAuthorized, PaymentCaptured, RefundSucceeded, WalletEntry,
              ReconciliationMismatch, ReconciliationCompleted)
}
