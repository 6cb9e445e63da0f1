"""Distribution: promoters' applications, buyers bound to them, commissions through their
states, and withdrawals, so the warehouse measures each promoter's performance and what the
programme costs. Commission and withdrawal events carry the promoter's user as the
envelope's user_id; buyer_bound the buyer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict

Currency = Annotated[str, Field(min_length=3, max_length=3)]
Level = Annotated[int, Field(strict=True, ge=1, le=2)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]


class PromoterPayload(Strict):
    promoter_id: Id
    parent_promoter_id: Id | None = None
    code: str | None = Field(None, max_length=16)
    reason: Reason | None = None


class BuyerBoundPayload(Strict):
    promoter_id: Id
    buyer_id: Id
    previous_promoter_id: Id | None = None
    # why this buyer's commissions will be held (None: clean)
    risk_reason: str | None = Field(None, max_length=32)


class CommissionPayload(Strict):
    commission_id: Id
    promoter_id: Id
    order_id: Id
    buyer_id: Id
    level: Level
    # accrued: the commission; reversed: the share taken back; matured: what became
    # withdrawable; held: the amount held
    amount_cents: Cents
    currency: Currency
    state: Literal["pending", "held", "withdrawable", "reversed"]
    hold_reason: str | None = Field(None, max_length=32)


class WithdrawalPayload(Strict):
    withdrawal_id: Id
    promoter_id: Id
    amount_cents: Cents
    currency: Currency
    channel: Literal["manual"]
    reason: Reason | None = None
    payout_reference: str | None = Field(None, max_length=100)



class PromoterApplied(Envelope):
    event_type: Literal["promoter_applied"] = "promoter_applied"
    payload: PromoterPayload


class PromoterApproved(Envelope):
    event_type: Literal["promoter_approved"] = "promoter_approved"
    payload: PromoterPayload


class PromoterRejected(Envelope):
    event_type: Literal["promoter_rejected"] = "promoter_rejected"
    payload: PromoterPayload


class BuyerBound(Envelope):
    event_type: Literal["buyer_bound"] = "buyer_bound"
    payload: BuyerBoundPayload


class CommissionAccrued(Envelope):
    event_type: Literal["commission_accrued"] = "commission_accrued"
    payload: CommissionPayload


class CommissionHeld(Envelope):
    event_type: Literal["commission_held"] = "commission_held"
    payload: CommissionPayload


class CommissionReversed(Envelope):
    event_type: Literal["commission_reversed"] = "commission_reversed"
    payload: CommissionPayload


class CommissionMatured(Envelope):
    event_type: Literal["commission_matured"] = "commission_matured"
    payload: CommissionPayload


class WithdrawalRequested(Envelope):
    event_type: Literal["withdrawal_requested"] = "withdrawal_requested"
    payload: WithdrawalPayload


class WithdrawalApproved(Envelope):
    event_type: Literal["withdrawal_approved"] = "withdrawal_approved"
    payload: WithdrawalPayload


class WithdrawalRejected(Envelope):
    event_type: Literal["withdrawal_rejected"] = "withdrawal_rejected"
    payload: WithdrawalPayload


class WithdrawalPaid(Envelope):
    event_type: Literal["withdrawal_paid"] = "withdrawal_paid"
    payload: WithdrawalPayload


PROMOTER_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (PromoterApplied, PromoterApproved, PromoterRejected, BuyerBound,
              CommissionAccrued, CommissionHeld, CommissionReversed, CommissionMatured,
              WithdrawalRequested, WithdrawalApproved, WithdrawalRejected, WithdrawalPaid)
}
