"""Coupons on the wire: templates (with each kind's params), the wallet, grants and codes.

Numbers are strict: "300" or true is a client bug, not an amount."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_CENTS = 10**12
Cents = Annotated[int, Field(strict=True, ge=0, le=MAX_CENTS)]
PositiveCents = Annotated[int, Field(strict=True, ge=1, le=MAX_CENTS)]
Limit = Annotated[int, Field(strict=True, ge=1, le=10**9)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Id = Annotated[str, Field(min_length=1, max_length=36)]
Kind = Literal["full_reduction", "percent_off", "random_amount", "new_user", "shipping"]
ScopeKind = Literal["store", "category", "brand", "product", "merchant"]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- each kind's params (validated by coupon_templates.check_params) -------------------
Tier = Annotated[list[PositiveCents], Field(min_length=2, max_length=2)]  # [threshold, off]


class FullReductionParams(_Strict):
    tiers: Annotated[list[Tier], Field(min_length=1, max_length=10)]


class PercentOffParams(_Strict):
    percent_bp: Annotated[int, Field(strict=True, ge=1, le=10_000)]  # 1500 = 15 %
    cap_cents: PositiveCents | None = None


class RandomAmountParams(_Strict):
    min_cents: PositiveCents
    max_cents: PositiveCents


class NewUserParams(_Strict):
    """Either a flat amount or full-reduction tiers."""

    amount_cents: PositiveCents | None = None
    tiers: Annotated[list[Tier], Field(min_length=1, max_length=10)] | None = None


class ShippingParams(_Strict):
    cap_cents: PositiveCents | None = None  # None: the whole fee


# --- templates --------------------------------------------------------------------------
class TemplateFields(_Strict):
    """Fields an edit may change (all optional there)."""

    name: Name | None = None
    params: dict | None = None
    min_spend_cents: Cents | None = None
    scope_kind: ScopeKind | None = None
    scope_ids: Annotated[list[Id], Field(max_length=500)] | None = None
    stacking_group: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    exclusive: bool | None = None
    priority: Annotated[int, Field(strict=True, ge=-1000, le=1000)] | None = None
    claim_starts_at: AwareDatetime | None = None
    claim_ends_at: AwareDatetime | None = None
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    valid_days: Annotated[int, Field(strict=True, ge=1, le=3650)] | None = None
    total_limit: Limit | None = None
    per_user_limit: Annotated[int, Field(strict=True, ge=1, le=1000)] | None = None
    claimable: bool | None = None
    campaign: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class TemplateIn(TemplateFields):
    name: Name
    kind: Kind
    params: dict
    currency: Currency
    merchant_id: Id | None = Field(None, description="Operators only: a merchant-funded "
                                   "coupon; merchant staff always create their own")


class TemplateTransitionIn(_Strict):
    action: Literal["activate", "pause", "resume", "end"]


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    kind: Kind
    params: dict
    min_spend_cents: int
    scope_kind: ScopeKind
    scope_ids: list[str]
    merchant_id: str | None
    stacking_group: str | None
    exclusive: bool
    priority: int
    status: Literal["draft", "active", "paused", "ended"]
    claim_starts_at: datetime | None
    claim_ends_at: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    valid_days: int | None
    total_limit: int | None
    issued_count: int
    per_user_limit: int
    claimable: bool
    campaign: str | None
    currency: str
    version: int
    created_at: datetime
    updated_at: datetime


class TemplatePage(BaseModel):
    items: list[TemplateOut]
    total: int
    limit: int
    offset: int


class GrantIn(_Strict):
    """Exactly one of user_ids or audience_id."""

    user_ids: Annotated[list[Id], Field(min_length=1, max_length=10_000)] | None = None
    audience_id: Id | None = None


class GrantOut(BaseModel):
    granted: int
    skipped: int
    skipped_by_reason: dict[str, int] = Field(
        description="coupon_limit_reached, coupon_sold_out, coupon_new_users_only, "
        "user_not_found")


class CodesIn(_Strict):
    count: Annotated[int, Field(strict=True, ge=1, le=10_000)]


class CodesOut(BaseModel):
    batch_id: str
    codes: list[str] = Field(description="Shown this once: only their hashes are kept")


class CodeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    hint: str = Field(description="The code's last four characters")
    status: Literal["unused", "used"]
    used_by: str | None
    used_at: datetime | None
    created_at: datetime


class CodePage(BaseModel):
    batch_id: str
    items: list[CodeOut]
    total: int
    used: int


# --- shoppers ---------------------------------------------------------------------------
class ClaimableOut(BaseModel):
    id: str
    name: str
    kind: Kind
    params: dict
    min_spend_cents: int
    scope_kind: ScopeKind
    scope_ids: list[str]
    merchant_id: str | None
    claim_ends_at: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    valid_days: int | None
    remaining: int | None = Field(description="None: no total limit")
    per_user_limit: int
    currency: str


class ClaimablePage(BaseModel):
    items: list[ClaimableOut]


class RedeemCodeIn(_Strict):
    code: Annotated[str, Field(min_length=4, max_length=64)]


class CouponOut(BaseModel):
    id: str
    template_id: str
    name: str
    kind: Kind
    status: Literal["available", "used", "expired"]
    value_cents: int | None
    params: dict
    min_spend_cents: int
    merchant_id: str | None
    currency: str
    valid_from: datetime
    valid_until: datetime
    channel: Literal["claim", "grant", "code"]
    order_id: str | None
    claimed_at: datetime
    used_at: datetime | None


class WalletPage(BaseModel):
    items: list[CouponOut]
    total: int
