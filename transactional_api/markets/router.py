"""Markets (catalog operators), exchange rates and rounding (finance operators), and the
public list of markets a storefront offers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from transactional_api.core import clock
from transactional_api.core.deps import CatalogCaller, Db, FinanceCaller, ReadDb
from transactional_api.core.errors import Unprocessable
from transactional_api.markets import fx, iso4217, prices, service
from transactional_api.markets.money import format_rate, parse_rate
from transactional_api.markets.schemas import (
    FxRateIn,
    FxRateOut,
    FxRateSetOut,
    MarketIn,
    MarketOut,
    MarketPatch,
    PriceInOut,
    RoundingIn,
    RoundingOut,
    SkuPriceIn,
    SkuPriceOut,
    SkuPricesOut,
)

router = APIRouter(tags=["markets"])
CodePath = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[a-z][a-z0-9_-]*$")]
CurrencyPath = Annotated[str, Path(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")]
SkuPath = Annotated[str, Path(min_length=1, max_length=36)]
CurrencyQuery = Annotated[str | None, Query(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")]


def _market(m) -> MarketOut:
    return MarketOut(code=m.code, name=m.name, currency=m.currency,
                     minor_units=iso4217.minor_units(m.currency), language=m.language,
                     countries=list(m.countries), active=m.active, version=m.version)


def _rate(r) -> FxRateOut:
    return FxRateOut(base=r.base, quote=r.quote, rate=format_rate(r.rate_e9),
                     rate_e9=r.rate_e9, effective_from=r.effective_from, source=r.source)


@router.get("/v1/markets", response_model=list[MarketOut])
def public_markets(db: ReadDb) -> list[MarketOut]:
    """The active storefront markets: each one's currency and default language."""
    with db.begin():
        return [_market(m) for m in service.list_markets(session=db, active_only=True)]


@router.get("/v1/admin/markets", response_model=list[MarketOut])
def admin_markets(db: ReadDb, _: CatalogCaller) -> list[MarketOut]:
    with db.begin():
        return [_market(m) for m in service.list_markets(session=db)]


@router.post("/v1/admin/markets", status_code=201, response_model=MarketOut)
def create_market(body: MarketIn, db: Db, caller: CatalogCaller) -> MarketOut:
    with db.begin():
        return _market(service.create_market(session=db, **body.model_dump(),
                                             actor_id=caller.id))


@router.patch("/v1/admin/markets/{code}", response_model=MarketOut)
def update_market(code: CodePath, body: MarketPatch, db: Db,
                  caller: CatalogCaller) -> MarketOut:
    with db.begin():
        changes = body.model_dump(exclude_unset=True)
        if any(v is None for v in changes.values()):
            raise Unprocessable("fields may be left out, not set to null", code="null_field")
        return _market(service.update_market(session=db, code=code, changes=changes,
                                             actor_id=caller.id))


@router.delete("/v1/admin/markets/{code}", status_code=204)
def delete_market(code: CodePath, db: Db, caller: CatalogCaller) -> Response:
    with db.begin():
        service.delete_market(session=db, code=code, actor_id=caller.id)
    return Response(status_code=204)


@router.get("/v1/admin/fx-rates", response_model=list[FxRateOut])
def list_rates(db: ReadDb, _: FinanceCaller, base: CurrencyQuery = None,
               quote: CurrencyQuery = None,
               limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[FxRateOut]:
    with db.begin():
        return [_rate(r) for r in fx.list_rates(session=db, base=base, quote=quote,
                                                limit=limit, offset=offset)]


@router.put("/v1/admin/fx-rates", response_model=FxRateSetOut)
def set_rate(body: FxRateIn, db: Db, caller: FinanceCaller) -> FxRateSetOut:
    """Set the pair's rate from effective_from (default now); the same rate again changes
    nothing. Orders already placed keep the rate they were placed at."""
    rate_e9 = parse_rate(body.rate)
    at = body.effective_from or clock.now()
    with db.begin():
        result = fx.set_rate(session=db, base=body.base, quote=body.quote, rate_e9=rate_e9,
                             effective_from=at, source="admin", actor_id=caller.id)
    return FxRateSetOut(base=body.base, quote=body.quote, rate=format_rate(rate_e9),
                        rate_e9=rate_e9, effective_from=at, source="admin", result=result)


@router.get("/v1/admin/currencies/rounding", response_model=list[RoundingOut])
def list_rounding(db: ReadDb, _: FinanceCaller) -> list[RoundingOut]:
    with db.begin():
        return [RoundingOut(currency=r.currency, minor_units=iso4217.minor_units(r.currency),
                            increment_minor=r.increment_minor, mode=r.mode)
                for r in fx.list_rounding(session=db)]


@router.put("/v1/admin/currencies/{currency}/rounding", response_model=RoundingOut)
def set_rounding(currency: CurrencyPath, body: RoundingIn, db: Db,
                 _: FinanceCaller) -> RoundingOut:
    """How converted prices in the currency round: to a multiple of increment_minor
    (CHF 5 = 0.05; JPY 10), half up unless told otherwise."""
    with db.begin():
        r = fx.set_rounding(session=db, currency=currency, increment_minor=body.increment_minor,
                            mode=body.mode)
        return RoundingOut(currency=r.currency, minor_units=iso4217.minor_units(currency),
                           increment_minor=r.increment_minor, mode=r.mode)


def _sku_prices(db, sku_id: str) -> SkuPricesOut:
    facts, rows = prices.sku_prices(session=db, sku_id=sku_id)
    return SkuPricesOut(sku_id=sku_id, currency=facts.currency,
                        price_cents=facts.list_price_cents,
                        prices=[SkuPriceOut(currency=r.currency, amount_minor=r.amount_minor)
                                for r in rows])


@router.get("/v1/admin/skus/{sku_id}/currency-prices", response_model=SkuPricesOut)
def sku_prices(sku_id: SkuPath, db: ReadDb, _: CatalogCaller) -> SkuPricesOut:
    with db.begin():
        return _sku_prices(db, sku_id)


@router.put("/v1/admin/skus/{sku_id}/currency-prices/{currency}",
            response_model=SkuPricesOut)
def set_sku_price(sku_id: SkuPath, currency: CurrencyPath, body: SkuPriceIn, db: Db,
                  caller: CatalogCaller) -> SkuPricesOut:
    """The SKU's own price in a currency: it wins over conversion in every market there."""
    with db.begin():
        prices.set_sku_price(session=db, sku_id=sku_id, currency=currency,
                             amount_minor=body.amount_minor, actor_id=caller.id)
        return _sku_prices(db, sku_id)


@router.delete("/v1/admin/skus/{sku_id}/currency-prices/{currency}",
               response_model=SkuPricesOut)
def delete_sku_price(sku_id: SkuPath, currency: CurrencyPath, db: Db,
                     caller: CatalogCaller) -> SkuPricesOut:
    with db.begin():
        prices.set_sku_price(session=db, sku_id=sku_id, currency=currency, amount_minor=None,
                             actor_id=caller.id)
        return _sku_prices(db, sku_id)


@router.get("/v1/admin/skus/{sku_id}/price-in/{currency}", response_model=PriceInOut)
def price_in(sku_id: SkuPath, currency: CurrencyPath, db: ReadDb,
             _: CatalogCaller) -> PriceInOut:
    """What the SKU costs in a currency now, and the rate that priced it."""
    with db.begin():
        facts, _rows = prices.sku_prices(session=db, sku_id=sku_id)
        sku = SimpleNamespace(id=facts.sku_id, price_cents=facts.list_price_cents,
                              currency=facts.currency)
        amount, rate = prices.price_in(db, sku, currency, clock.now())
        return PriceInOut(sku_id=sku_id, currency=currency, amount_minor=amount, rate_e9=rate)

