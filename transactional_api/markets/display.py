"""Catalog reads in a market's currency: ``?market=`` or the ``X-Market`` header turns each
SKU's price into the market's (explicit or converted). Without either, the catalog's
answer is untouched."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.markets import prices, service

_CODE = r"^[a-z][a-z0-9_-]*$"


def _market(market: Annotated[str | None, Query(
                min_length=1, max_length=16, pattern=_CODE,
                description="Show prices in this storefront market's currency")] = None,
            x_market: Annotated[str | None, Header(
                min_length=1, max_length=16, pattern=_CODE)] = None) -> str | None:
    return market or x_market


MarketParam = Annotated[str | None, Depends(_market)]


def localize_products(session: Session, products: list, market: str | None) -> list:
    """Each product's SKUs (catalog SkuOut: id, price_cents, currency) priced in the market's
    currency, in place. 422 unknown_market; 409 fx_rate_missing."""
    if market is None:
        return products
    m = service.active_market(session=session, code=market)
    skus = [s for p in products for s in p.skus]
    amounts = prices.prices_in(session, skus, m.currency, clock.now())
    for s in skus:
        s.price_cents, s.currency = amounts[s.id], m.currency
    return products
