"""Markets: a storefront channel with its currency, default language and the countries it
serves. A shopper who names no market shops the base storefront (the SKUs' own currency)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.market_events import MarketChanged, MarketChangedPayload
from transactional_api.events.outbox import emit
from transactional_api.markets import iso4217
from transactional_api.markets.models import Market


def list_markets(*, session: Session, active_only: bool = False) -> list[Market]:
    q = select(Market).order_by(Market.code)
    if active_only:
        q = q.where(Market.active.is_(True))
    return list(session.scalars(q))


def get_market(*, session: Session, code: str) -> Market:
    market = session.get(Market, code)
    if market is None:
        raise NotFound("no such market", code="market_not_found", details={"market": code})
    return market


def active_market(*, session: Session, code: str) -> Market:
    """The market a shopper names: 422 unknown_market when it does not exist or is off."""
    market = session.get(Market, code)
    if market is None or not market.active:
        raise Unprocessable("no such market", code="unknown_market", details={"market": code})
    return market


def market_language(session: Session, code: str | None) -> str | None:
    """The default language of market ``code`` (None: no such market, or no code): what
    the translations read when a shopper names a market and no language."""
    if not code:
        return None
    market = session.get(Market, code)
    return market.language if market is not None else None


def create_market(*, session: Session, code: str, name: str, currency: str, language: str,
                  countries: list[str], active: bool, actor_id: str | None) -> Market:
    iso4217.check(currency)
    if session.get(Market, code) is not None:
        raise Conflict("a market with this code exists", code="market_exists",
                       details={"market": code})
    now = clock.now()
    market = Market(code=code, name=name, currency=currency, language=language,
                    countries=sorted(set(countries)), active=active, version=1,
                    created_at=now, updated_at=now)
    session.add(market)
    session.flush()
    _emit(session, market, "created", actor_id)
    return market


def update_market(*, session: Session, code: str, changes: dict,
                  actor_id: str | None) -> Market:
    """``changes``: any of name, currency, language, countries, active. Orders already
    placed keep their currency and rate."""
    market = session.scalar(select(Market).where(Market.code == code).with_for_update())
    if market is None:
        raise NotFound("no such market", code="market_not_found", details={"market": code})
    if "currency" in changes:
        iso4217.check(changes["currency"])
    if "countries" in changes:
        changes = {**changes, "countries": sorted(set(changes["countries"]))}
    if all(getattr(market, k) == v for k, v in changes.items()):
        return market
    for key, value in changes.items():
        setattr(market, key, value)
    market.version += 1
    market.updated_at = clock.now()
    session.flush()
    _emit(session, market, "updated", actor_id)
    return market


def delete_market(*, session: Session, code: str, actor_id: str | None) -> None:
    """Orders keep the code they were placed with; the storefront stops offering it."""
    market = get_market(session=session, code=code)
    _emit(session, market, "deleted", actor_id)
    session.delete(market)
    session.flush()


def _emit(session: Session, m: Market, action: str, actor_id: str | None) -> None:
    emit(session=session, event=MarketChanged(
        occurred_at=clock.now(), user_id=actor_id, payload=MarketChangedPayload(
            market=m.code, action=action, name=m.name, currency=m.currency,
            language=m.language, countries=list(m.countries), active=m.active,
            version=m.version)))
