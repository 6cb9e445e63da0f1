"""Pricing admin API shapes: promotions (with each kind's params), price sources, floors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from transactional_api.events.envelope import MAX_CENTS

Cents = Annotated[int, Field(strict=True, ge=0, le=MAX_CENTS)]
PositiveCents = Annotated[int, Field(strict=True, ge=1, le=MAX_CENTS)]
BasisPoints = Annotated[int, Field(strict=True, ge=1, le=10_000)]
Units = Annotated[int, Field(strict=True, ge=1, le=1000)]
Id = Annotated[str, Field(min_length=1, max_length=36)]
PromotionKind = Literal["full_reduction", "percent_off", "amount_off", "buy_x_get_y",
                        "nth_item", "gift", "free_shipping", "payment_instant",
                        "bundle_price"]
Status = Literal["draft", "active", "paused", "ended"]
ScopeKind = Literal["store", "category", "brand", "product", "sku", "merchant"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- each kind's params (what engine/model.py lists under PromotionKind) --------------
class FullReductionParams(_In):
    tiers: list[tuple[PositiveCents, PositiveCents]] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _increasing(self) -> FullReductionParams:
        for i, (threshold, off) in enumerate(self.tiers):
            if off > threshold:
                raise ValueError(f"tier {i}: off_cents {off} exceeds threshold {threshold}")
            if i and (threshold <= self.tiers[i - 1][0] or off <= self.tiers[i - 1][1]):
                raise ValueError("tiers must be strictly increasing in threshold and off")
        return self


class PercentOffParams(_In):
    percent_bp: BasisPoints
    cap_cents: PositiveCents | None = None
    min_spend_cents: Cents = 0


class AmountOffParams(_In):
    amount_cents: PositiveCents
    min_spend_cents: Cents = 0


class BuyXGetYParams(_In):
    buy: Units
    get: Units


class NthItemParams(_In):
    n: Annotated[int, Field(strict=True, ge=2, le=100)]
    percent_bp: BasisPoints


class GiftParams(_In):
    gift_sku_id: Id
    gift_value_cents: Cents
    min_spend_cents: Cents = 0


class FreeShippingParams(_In):
    min_spend_cents: Cents = 0
    cap_cents: PositiveCents | None = None


class PaymentInstantParams(_In):
    channel: Annotated[str, Field(min_length=1, max_length=24)]
    amount_cents: PositiveCents
    min_spend_cents: Cents = 0


class BundlePriceParams(_In):
    sku_ids: list[Id] = Field(min_length=2, max_length=20)
    price_cents: PositiveCents

    @model_validator(mode="after")
    def _distinct(self) -> BundlePriceParams:
        if len(set(self.sku_ids)) != len(self.sku_ids):
            raise ValueError("bundle sku_ids must be distinct")
        return self


PARAMS: dict[str, type[_In]] = {
    "full_reduction": FullReductionParams, "percent_off": PercentOffParams,
    "amount_off": AmountOffParams, "buy_x_get_y": BuyXGetYParams, "nth_item": NthItemParams,
    "gift": GiftParams, "free_shipping": FreeShippingParams,
    "payment_instant": PaymentInstantParams, "bundle_price": BundlePriceParams,
}


# --- promotions ----------------------------------------------------------------------
class ScopeIn(_In):
    kind: ScopeKind = "store"
    ids: list[Id] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _ids(self) -> ScopeIn:
        if (self.kind == "store") != (not self.ids):
            raise ValueError("a store scope has no ids; every other scope needs some")
        return self


class _PromotionFields(_In):
    name: str = Field(min_length=1, max_length=100)
    kind: PromotionKind
    params: dict = Field(default_factory=dict)
    scope: ScopeIn = ScopeIn()
    priority: Annotated[int, Field(strict=True, ge=-1000, le=1000)] = 0
    exclusive: bool = False
    stacking_group: str | None = Field(None, min_length=1, max_length=40)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    budget_cents: PositiveCents | None = None
    usage_limit: Annotated[int, Field(strict=True, ge=1, le=10**9)] | None = None
    per_user_limit: Annotated[int, Field(strict=True, ge=1, le=10**6)] | None = None
    member_levels: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=20)
    audience_id: Id | None = None
    campaign: str | None = Field(None, min_length=1, max_length=100)
    currency: str = Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")


class PromotionIn(_PromotionFields):
    @model_validator(mode="after")
    def _window(self) -> PromotionIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class PromotionPatch(_In):
    """Any of the create fields; expected_version, when sent, must match (else 409)."""

    name: str | None = Field(None, min_length=1, max_length=100)
    kind: PromotionKind | None = None
    params: dict | None = None
    scope: ScopeIn | None = None
    priority: Annotated[int, Field(strict=True, ge=-1000, le=1000)] | None = None
    exclusive: bool | None = None
    stacking_group: str | None = Field(None, min_length=1, max_length=40)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    budget_cents: PositiveCents | None = None
    usage_limit: Annotated[int, Field(strict=True, ge=1, le=10**9)] | None = None
    per_user_limit: Annotated[int, Field(strict=True, ge=1, le=10**6)] | None = None
    member_levels: list[Annotated[str, Field(min_length=1, max_length=32)]] | None = Field(
        None, max_length=20)
    audience_id: Id | None = None
    campaign: str | None = Field(None, min_length=1, max_length=100)
    expected_version: Annotated[int, Field(strict=True, ge=1)] | None = None


class FloorWarning(BaseModel):
    sku_id: str
    floor_cents: int
    worst_unit_price_cents: int


class PromotionOut(BaseModel):
    id: str
    name: str
    kind: str
    params: dict
    scope: ScopeIn
    merchant_id: str | None
    priority: int
    exclusive: bool
    stacking_group: str | None
    status: Status
    starts_at: datetime
    ends_at: datetime
    budget_cents: int | None
    spent_cents: int
    usage_limit: int | None
    used_count: int
    per_user_limit: int | None
    member_levels: list[str]
    audience_id: str | None
    payment_channel: str | None
    campaign: str | None
    currency: str
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    floor_warnings: list[FloorWarning] = Field(
        default_factory=list,
        description="Scoped SKUs whose floor this promotion alone could break (a "
                    "conservative worst case per kind); on create, edit and activate")


class PromotionPage(BaseModel):
    items: list[PromotionOut]


# --- price sources and floors --------------------------------------------------------
class TierIn(_In):
    min_quantity: Annotated[int, Field(strict=True, ge=2, le=10_000)]
    unit_price_cents: PositiveCents


class TiersIn(_In):
    tiers: list[TierIn] = Field(max_length=20)


class MemberPriceIn(_In):
    level: str = Field(min_length=1, max_length=32)
    unit_price_cents: PositiveCents


class MemberPricesIn(_In):
    prices: list[MemberPriceIn] = Field(max_length=20)


class PromoPriceIn(_In):
    unit_price_cents: PositiveCents
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    label: str = Field("", max_length=100)

    @model_validator(mode="after")
    def _window(self) -> PromoPriceIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class PromoPricesIn(_In):
    prices: list[PromoPriceIn] = Field(max_length=50)


class FlashPriceOut(BaseModel):
    unit_price_cents: int
    starts_at: datetime
    ends_at: datetime
    flash_sale_id: str | None


class SkuPricesOut(BaseModel):
    sku_id: str
    list_price_cents: int
    currency: str
    tiers: list[TierIn]
    member_prices: list[MemberPriceIn]
    promo_prices: list[PromoPriceIn]
    flash_prices: list[FlashPriceOut] = Field(
        description="Read only here: the flash-sale work fills this slot")
    floor_cents: int | None


class FloorIn(_In):
    floor_cents: Cents
    basis: Literal["cost", "margin"]


class FloorOut(BaseModel):
    sku_id: str
    floor_cents: int
    basis: str
    updated_by: str | None
    updated_at: datetime
