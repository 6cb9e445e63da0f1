"""Promoters over HTTP: what comes in and what goes out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.events.envelope import MAX_CENTS

Code = Annotated[str, Field(min_length=4, max_length=16, pattern=r"^[A-Za-z0-9]+$")]
# a referral link's ?ref= as registration and checkout take it (a code that matches no
# promoter binds nothing: links outlive promoters)
RefCode = Annotated[str | None, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$",
                                      description="the referral code of the link the shopper "
                                                  "came by (?ref=), if any")]
Bp = Annotated[int, Field(strict=True, ge=0, le=5000)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApplyIn(In):
    parent_code: Code | None = None
    pitch: str = Field("", max_length=500)


class DecisionIn(In):
    decision: Literal["approve", "reject"]
    reason: Reason | None = None


class BindIn(In):
    code: Code


class RuleIn(In):
    scope_kind: Literal["product", "category", "merchant"]
    scope_id: Annotated[str, Field(min_length=1, max_length=36)]
    level1_bp: Bp
    level2_bp: Bp


class WithdrawalIn(In):
    amount_cents: Annotated[int, Field(strict=True, ge=1, le=MAX_CENTS)]


class PayoutIn(In):
    reference: Annotated[str, Field(min_length=1, max_length=100)]


class HeldDecisionIn(In):
    decision: Literal["release", "void"]


class Balances(BaseModel):
    pending_cents: int
    held_cents: int
    withdrawable_cents: int
    requested_cents: int
    paid_cents: int


class PromoterOut(BaseModel):
    id: str
    user_id: str
    status: str
    code: str | None
    parent_id: str | None
    pitch: str
    decision_reason: str | None
    currency: str
    applied_at: datetime
    decided_at: datetime | None
    balances: Balances


class PromoterList(BaseModel):
    items: list[PromoterOut]


class BindingOut(BaseModel):
    promoter_id: str
    bound_at: datetime
    first_bound_at: datetime
    changed: bool
    risk_reason: str | None


class MeOut(BaseModel):
    promoter: PromoterOut
    links: dict[str, str]
    referrals: int
    orders: int
    team: int


class ReferralOut(BaseModel):
    buyer_id: str
    bound_at: datetime
    risk_reason: str | None


class CommissionOut(BaseModel):
    id: str
    order_id: str
    buyer_id: str
    promoter_id: str
    level: int
    state: str
    hold_reason: str | None
    currency: str
    base_cents: int
    amount_cents: int
    reversed_cents: int
    accrued_at: datetime
    matures_at: datetime | None


class CommissionList(BaseModel):
    items: list[CommissionOut]
    balances: Balances


class ReferralList(BaseModel):
    items: list[ReferralOut]


class TeamMemberOut(BaseModel):
    promoter_id: str
    code: str | None
    status: str
    applied_at: datetime
    referrals: int


class TeamList(BaseModel):
    items: list[TeamMemberOut]


class RuleOut(BaseModel):
    id: str
    scope_kind: str
    scope_id: str
    level1_bp: int
    level2_bp: int
    updated_at: datetime


class RuleList(BaseModel):
    items: list[RuleOut]


class WithdrawalOut(BaseModel):
    id: str
    promoter_id: str
    amount_cents: int
    currency: str
    status: str
    channel: str
    reason: str | None
    payout_reference: str | None
    requested_at: datetime
    reviewed_at: datetime | None
    paid_at: datetime | None


class WithdrawalList(BaseModel):
    items: list[WithdrawalOut]


class RunOut(BaseModel):
    applied: int
    matured: int


class LedgerCheckOut(BaseModel):
    promoter_id: str
    balances: Balances
    from_entries: Balances
    consistent: bool
