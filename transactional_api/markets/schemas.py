"""Markets, exchange rates, rounding rules and per-currency SKU prices on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from transactional_api.events.envelope import MAX_CENTS
from transactional_api.markets import iso4217

Currency = Annotated[str, Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$"),
                     AfterValidator(iso4217.check)]
Code = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[a-z][a-z0-9_-]*$")]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Language = Annotated[str, Field(min_length=2, max_length=16,
                                pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MarketIn(_In):
    code: Code
    name: Name
    currency: Currency
    language: Language
    countries: list[Country] = Field(default_factory=list, max_length=250)
    active: bool = Field(True, strict=True)


class MarketPatch(_In):
    name: Name | None = None
    currency: Currency | None = None
    language: Language | None = None
    countries: list[Country] | None = Field(None, max_length=250)
    active: bool | None = Field(None, strict=True)


class MarketOut(BaseModel):
    code: str
    name: str
    currency: str
    minor_units: int
    language: str
    countries: list[str]
    active: bool
    version: int


class FxRateIn(_In):
    base: Currency
    quote: Currency
    rate: str = Field(min_length=1, max_length=40, pattern=r"^\d+(\.\d+)?$",
                      description="1 base = rate quote, as a decimal string (<= 9 decimals)")
    effective_from: AwareDatetime | None = Field(None, description="Default: now")


class FxRateOut(BaseModel):
    base: str
    quote: str
    rate: str
    rate_e9: int
    effective_from: datetime
    source: str


class FxRateSetOut(FxRateOut):
    result: Literal["inserted", "updated", "unchanged"]


class RoundingIn(_In):
    increment_minor: int = Field(strict=True, ge=1, le=10**6,
                                 description="Round to a multiple of this many minor units")
    mode: Literal["half_up", "up", "down"] = "half_up"


class RoundingOut(BaseModel):
    currency: str
    minor_units: int
    increment_minor: int
    mode: str


class SkuPriceIn(_In):
    amount_minor: int = Field(strict=True, ge=0, le=MAX_CENTS,
                              description="In the currency's minor units")


class SkuPriceOut(BaseModel):
    currency: str
    amount_minor: int


class SkuPricesOut(BaseModel):
    sku_id: str
    currency: str = Field(description="The SKU's own currency")
    price_cents: int
    prices: list[SkuPriceOut]


class PriceInOut(BaseModel):
    sku_id: str
    currency: str
    amount_minor: int
    rate_e9: int | None = Field(description="The rate used; null: an explicit price")
