"""Markets and currencies: market changes, exchange rates and per-currency SKU prices set
by operators (the envelope's user_id is the operator), and each order's currency fixed
at placement (user_id: the shopper), so the warehouse reports in the base currency at
the order's own rate."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict, UtcDateTime

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
MarketCode = Annotated[str, Field(min_length=1, max_length=16)]
RateE9 = Annotated[int, Field(strict=True, ge=1, le=10**18)]
MinorUnits = Annotated[int, Field(strict=True, ge=0, le=4)]


class MarketChangedPayload(Strict):
    market: MarketCode
    action: Literal["created", "updated", "deleted"]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    currency: Currency
    language: Annotated[str, Field(min_length=2, max_length=16)]
    countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]]
    active: bool
    version: Annotated[int, Field(strict=True, ge=1)]


class FxRateSetPayload(Strict):
    base: Currency
    quote: Currency
    rate_e9: RateE9
    effective_from: UtcDateTime
    source: Literal["csv", "admin"]
    previous_rate_e9: RateE9 | None = None


class SkuPriceSetPayload(Strict):
    sku_id: Id
    currency: Currency
    amount_minor: Cents | None  # None: the explicit price was removed (conversion again)
    previous_amount_minor: Cents | None = None


class OrderCurrencyFixedPayload(Strict):
    order_id: Id
    market: MarketCode | None
    currency: Currency
    minor_units: MinorUnits
    # 1 unit of the order's currency = rate_e9 / 10^9 units of the base currency
    rate_e9: RateE9
    base_currency: Currency
    base_minor_units: MinorUnits
    total_minor: Cents


class MarketChanged(Envelope):
    event_type: Literal["market_changed"] = "market_changed"
    payload: MarketChangedPayload


class FxRateSet(Envelope):
    event_type: Literal["fx_rate_set"] = "fx_rate_set"
    payload: FxRateSetPayload


class SkuPriceSet(Envelope):
    event_type: Literal["sku_price_set"] = "sku_price_set"
    payload: SkuPriceSetPayload


class OrderCurrencyFixed(Envelope):
    event_type: Literal["order_currency_fixed"] = "order_currency_fixed"
    payload: OrderCurrencyFixedPayload


MARKET_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (MarketChanged, FxRateSet, SkuPriceSet, OrderCurrencyFixed)
}
