"""Prices per currency: an operator's explicit price for a SKU in a currency, else the
SKU's own price converted at the rate in force, rounded by the currency's rule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog.pricing_facts import sku_facts
from transactional_api.core import clock
from transactional_api.core.errors import NotFound
from transactional_api.events.market_events import SkuPriceSet, SkuPriceSetPayload
from transactional_api.events.outbox import emit
from transactional_api.markets import fx, iso4217
from transactional_api.markets.models import MarketSkuPrice
from transactional_api.markets.money import RATE_ONE, convert


def _facts(session: Session, sku_id: str):
    found = sku_facts(session, [sku_id]).get(sku_id)
    if found is None:
        raise NotFound("SKU not found", code="sku_not_found")
    return found


def set_sku_price(*, session: Session, sku_id: str, currency: str, amount_minor: int | None,
                  actor_id: str | None) -> MarketSkuPrice | None:
    """Set (or with None remove) the SKU's explicit price in ``currency``."""
    iso4217.check(currency)
    _facts(session, sku_id)
    row = session.get(MarketSkuPrice, (sku_id, currency))
    previous = row.amount_minor if row is not None else None
    if previous == amount_minor:
        return row
    if amount_minor is None:
        session.delete(row)
        row = None
    elif row is None:
        row = MarketSkuPrice(sku_id=sku_id, currency=currency, amount_minor=amount_minor,
                             updated_at=clock.now())
        session.add(row)
    else:
        row.amount_minor, row.updated_at = amount_minor, clock.now()
    session.flush()
    emit(session=session, event=SkuPriceSet(
        occurred_at=clock.now(), user_id=actor_id, payload=SkuPriceSetPayload(
            sku_id=sku_id, currency=currency, amount_minor=amount_minor,
            previous_amount_minor=previous)))
    return row


def sku_prices(*, session: Session, sku_id: str) -> tuple[object, list[MarketSkuPrice]]:
    facts = _facts(session, sku_id)
    rows = session.scalars(select(MarketSkuPrice).where(MarketSkuPrice.sku_id == sku_id)
                           .order_by(MarketSkuPrice.currency))
    return facts, list(rows)


def explicit_prices(session: Session, sku_ids, currency: str) -> dict[str, int]:
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    return dict(session.execute(select(MarketSkuPrice.sku_id, MarketSkuPrice.amount_minor)
                                .where(MarketSkuPrice.sku_id.in_(ids),
                                       MarketSkuPrice.currency == currency)).all())


def price_in(session: Session, sku, currency: str, at: datetime | None = None
             ) -> tuple[int, int | None]:
    """``sku`` (anything with id, price_cents and currency) priced in ``currency``:
    (amount in its minor units, the rate used; None for an explicit price)."""
    iso4217.check(currency)
    if sku.currency == currency:
        return sku.price_cents, RATE_ONE
    explicit = explicit_prices(session, [sku.id], currency)
    if sku.id in explicit:
        return explicit[sku.id], None
    rate = fx.rate_at(session, sku.currency, currency, at)
    amount = convert(sku.price_cents, rate_e9=rate,
                     from_units=iso4217.minor_units(sku.currency),
                     to_units=iso4217.minor_units(currency),
                     rounding=fx.rounding_for(session, currency))
    return amount, rate


def prices_in(session: Session, skus: list, currency: str, at: datetime | None = None
              ) -> dict[str, int]:
    """Many SKUs (all in one currency) at once: sku id -> amount in ``currency``."""
    if not skus:
        return {}
    source = {s.currency for s in skus}
    if source == {currency}:
        return {s.id: s.price_cents for s in skus}
    explicit = explicit_prices(session, [s.id for s in skus], currency)
    rounding = fx.rounding_for(session, currency)
    rates: dict[str, int] = {}
    out = {}
    for s in skus:
        if s.id in explicit:
            out[s.id] = explicit[s.id]
            continue
        if s.currency == currency:
            out[s.id] = s.price_cents
            continue
        if s.currency not in rates:
            rates[s.currency] = fx.rate_at(session, s.currency, currency, at)
        out[s.id] = convert(s.price_cents, rate_e9=rates[s.currency],
                            from_units=iso4217.minor_units(s.currency),
                            to_units=iso4217.minor_units(currency), rounding=rounding)
    return out
