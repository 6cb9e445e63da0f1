from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.events.contract import MAX_CENTS

REGION = r"^(\*|[A-Za-z0-9_-]{1,16})$"


class ShippingRateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_cents: int = Field(strict=True, ge=0, le=MAX_CENTS)
    base_grams: int = Field(strict=True, ge=0, le=1_000_000)
    step_cents: int = Field(0, strict=True, ge=0, le=MAX_CENTS)
    step_grams: int = Field(1000, strict=True, ge=1, le=1_000_000)
    free_over_cents: int | None = Field(None, strict=True, ge=0, le=MAX_CENTS)


class ShippingRateOut(ShippingRateIn):
    region: str
    currency: str


class TaxRateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate_bp: int = Field(strict=True, ge=0, le=10000)


class TaxRateOut(TaxRateIn):
    region: str


class RatesOut(BaseModel):
    shipping: list[ShippingRateOut]
    tax: list[TaxRateOut]
