"""Marketplace settlement: ledger entries booked, statements issued, payouts and deposits,
so the warehouse can show what each merchant is owed, was paid and has held in deposit.
Signed amounts are what the merchant gains (negative: what it gives back)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import MAX_CENTS, Cents, Count, Envelope, Id, Strict

Signed = Annotated[int, Field(strict=True, ge=-MAX_CENTS, le=MAX_CENTS)]
Currency = Annotated[str, Field(min_length=3, max_length=3)]
Cycle = Literal["t_plus_1", "weekly", "monthly", "close_out"]


class SettlementEntriesRecordedPayload(Strict):
    merchant_id: Id
    currency: Currency
    source: Literal["accrual", "refund", "adjustment"]
    source_key: Annotated[str, Field(min_length=1, max_length=120)]
    sub_order_count: Count
    gross_cents: Signed
    commission_cents: Signed
    fee_cents: Signed
    merchant_discount_cents: Signed
    platform_discount_cents: Signed
    payable_cents: Signed  # what the merchant's payable balance moved by


class SettlementStatementIssuedPayload(Strict):
    statement_id: Id
    merchant_id: Id
    cycle: Cycle
    period_key: Annotated[str, Field(min_length=1, max_length=24)]
    currency: Currency
    sub_order_count: Count
    gross_cents: Signed
    commission_cents: Signed
    fee_cents: Signed
    merchant_discount_cents: Signed
    refunds_cents: Signed
    adjustments_cents: Signed
    opening_cents: Signed
    deposit_deducted_cents: Cents
    net_payable_cents: Signed


class SettlementPayoutPayload(Strict):
    payout_id: Id
    statement_id: Id
    merchant_id: Id
    amount_cents: Cents
    currency: Currency
    attempts: Count
    error: str | None = Field(None, max_length=200)


class SettlementDepositPayload(Strict):
    merchant_id: Id
    amount_cents: Cents
    currency: Currency
    reference: Annotated[str, Field(min_length=1, max_length=120)]
    reason: Literal["held", "negative_balance", "released"]
    deposit_balance_cents: Signed


class SettlementEntriesRecorded(Envelope):
    event_type: Literal["settlement_entries_recorded"] = "settlement_entries_recorded"
    payload: SettlementEntriesRecordedPayload


class SettlementStatementIssued(Envelope):
    event_type: Literal["settlement_statement_issued"] = "settlement_statement_issued"
    payload: SettlementStatementIssuedPayload


class SettlementPayoutSent(Envelope):
    event_type: Literal["settlement_payout_sent"] = "settlement_payout_sent"
    payload: SettlementPayoutPayload


class SettlementPayoutFailed(Envelope):
    event_type: Literal["settlement_payout_failed"] = "settlement_payout_failed"
    payload: SettlementPayoutPayload


class SettlementDepositHeld(Envelope):
    event_type: Literal["settlement_deposit_held"] = "settlement_deposit_held"
    payload: SettlementDepositPayload


class SettlementDepositDeducted(Envelope):
    event_type: Literal["settlement_deposit_deducted"] = "settlement_deposit_deducted"
    payload: SettlementDepositPayload


SETTLEMENT_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (SettlementEntriesRecorded, SettlementStatementIssued, SettlementPayoutSent,
              SettlementPayoutFailed, SettlementDepositHeld, SettlementDepositDeducted)
}
