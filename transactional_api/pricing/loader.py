"""From the database to the engine's Request: the cart's lines with their category
ancestry, brand, price offers in force and floors, and the promotions (and wallet coupons)
this shopper may get now.

Speed: the active promotions are compiled once per process and database, and reused while
pricing_state.version (one row, bumped by every promotion change in the same transaction)
is unchanged: one read per quote. The rest is one query per table for the cart's SKUs
(tiers, member prices, promo and flash prices, floors, catalog facts), one for the budget
and usage counters of the candidates that have limits, one for this shopper's held
redemptions of those with a per-user limit, and the audience checks of the candidates
with an audience (audience_check caches their rules).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import redis as redis_lib
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.catalog.pricing_facts import pricing_facts
from transactional_api.config import Settings, get_settings
from transactional_api.core.errors import DomainError, Unprocessable
from transactional_api.members.standing import standings
from transactional_api.pricing import coupons, prices
from transactional_api.pricing.engine.model import (
    Line,
    PriceOffer,
    Request,
    Scope,
    ShippingFee,
)
from transactional_api.pricing.engine.model import Promotion as EnginePromotion
from transactional_api.pricing.floors import floors_for
from transactional_api.pricing.models import PricingState, Promotion, PromotionRedemption

log = logging.getLogger("flywheel.pricing")


@dataclass(frozen=True)
class LineIn:
    sku_id: str
    product_id: str
    merchant_id: str
    quantity: int
    list_price_cents: int
    currency: str
    shippable: bool = True
    # a price won through a play (flash reservation, group seat, mall item); server-set
    sale_price: PriceOffer | None = None


@dataclass(frozen=True)
class Compiled:
    """An active promotion as the loader filters it; ``offer`` is what the engine gets."""

    offer: EnginePromotion
    starts_at: datetime
    ends_at: datetime
    currency: str
    limited: bool
    per_user_limit: int | None
    member_levels: frozenset[str]
    audience_id: str | None


_CACHE: dict[str, tuple[int, tuple[Compiled, ...]]] = {}  # database url -> (version, set)
_LOCK = threading.Lock()


def _compile(p: Promotion) -> Compiled:
    return Compiled(
        offer=EnginePromotion(
            id=p.id, name=p.name, kind=p.kind, params=dict(p.params),
            scope=Scope(kind=p.scope_kind, ids=frozenset(p.scope_ids or ())),
            merchant_id=p.merchant_id, priority=p.priority, exclusive=p.exclusive,
            group=p.stacking_group),
        starts_at=p.starts_at, ends_at=p.ends_at, currency=p.currency,
        limited=p.budget_cents is not None or p.usage_limit is not None,
        per_user_limit=p.per_user_limit, member_levels=frozenset(p.member_levels or ()),
        audience_id=p.audience_id)


def active_promotions(session: Session) -> tuple[Compiled, ...]:
    """Every active promotion, compiled; reloaded only when pricing_state.version moved."""
    key = session.get_bind().url.render_as_string(hide_password=True)
    version = session.scalar(select(PricingState.version).where(PricingState.id == 1)) or 0
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    # Read after the version: a change committing in between makes the next quote reload.
    found = tuple(_compile(p) for p in session.scalars(
        select(Promotion).where(Promotion.status == "active").order_by(Promotion.id)))
    with _LOCK:
        _CACHE[key] = (version, found)
    return found


def forget_cache() -> None:
    _CACHE.clear()


def touches(offer: EnginePromotion, lines: Sequence[Line]) -> bool:
    """Whether any line is in the promotion's scope (and its funder's goods)."""
    ids = offer.scope.ids
    for ln in lines:
        if offer.merchant_id is not None and ln.merchant_id != offer.merchant_id:
            continue
        kind = offer.scope.kind
        if (kind == "store" or (kind == "category" and ln.category_ids & ids)
                or (kind == "brand" and ln.brand_id in ids)
                or (kind == "product" and ln.product_id in ids)
                or (kind == "sku" and ln.sku_id in ids)
                or (kind == "merchant" and ln.merchant_id in ids)):
            return True
    return False


def _level(session: Session, user_id: str | None, settings: Settings) -> str | None:
    if user_id is None:
        return None
    return standings(session=session, user_ids=[user_id],
                     levels=settings.members_levels)[user_id].level


def _exhausted(session: Session, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return {pid for pid, budget, spent, limit, used in session.execute(
        select(Promotion.id, Promotion.budget_cents, Promotion.spent_cents,
               Promotion.usage_limit, Promotion.used_count).where(Promotion.id.in_(ids)))
        if (budget is not None and spent >= budget) or (limit is not None and used >= limit)}


def held_counts(session: Session, *, user_id: str, promotion_ids: list[str]) -> dict[str, int]:
    """This shopper's redemptions still held, per promotion."""
    if not promotion_ids:
        return {}
    return dict(session.execute(
        select(PromotionRedemption.promotion_id, func.count())
        .where(PromotionRedemption.user_id == user_id,
               PromotionRedemption.promotion_id.in_(promotion_ids),
               PromotionRedemption.status == "held")
        .group_by(PromotionRedemption.promotion_id)).all())


def _in_audience(session, redis, audience_id: str, user_id: str, settings) -> bool:
    from transactional_api.tags.audience_check import in_audience

    try:
        return in_audience(session, redis, audience_id, user_id, settings=settings)
    except DomainError as exc:  # a deleted audience, or tags unavailable: not given
        log.warning("audience check failed", extra={"audience_id": audience_id,
                                                    "error": exc.code})
        return False


def wallet(session: Session, *, user_id: str | None, now: datetime, currency: str,
           chosen: frozenset[str] | None = None) -> list[EnginePromotion]:
    """The shopper's wallet coupons as engine offers, one per template: coupons of one
    template share an offer id and a stacking group, so only one could apply anyway. The
    one kept is the one asked for, else the largest amount, else the soonest to expire."""
    if user_id is None:
        return []
    best: dict[str, EnginePromotion] = {}
    for o in coupons.wallet_offers(session, user_id=user_id, now=now, currency=currency):
        held = best.get(o.id)
        if held is None or _better_coupon(o, held, chosen):
            best[o.id] = o
    return list(best.values())


def _better_coupon(new: EnginePromotion, held: EnginePromotion,
                   chosen: frozenset[str] | None) -> bool:
    if chosen is not None and (new.coupon_id in chosen) != (held.coupon_id in chosen):
        return new.coupon_id in chosen
    # wallet_offers lists the soonest to expire first: only a larger amount displaces it
    return int(new.params.get("amount_cents", 0) or 0) > \
        int(held.params.get("amount_cents", 0) or 0)


def build_request(session: Session, *, user_id: str | None, lines: list[LineIn],
                  shipping_fee: ShippingFee | None, payment_channel: str | None,
                  chosen_coupons, now: datetime, redis: redis_lib.Redis | None,
                  settings: Settings | None = None) -> Request:
    if not lines:
        raise Unprocessable("nothing to price", code="empty_quote")
    currencies = {ln.currency for ln in lines}
    if len(currencies) != 1:
        raise Unprocessable("every line must be in one currency", code="mixed_currency",
                            details={"currencies": sorted(currencies)})
    (currency,) = currencies
    settings = settings or get_settings()
    sku_ids = [ln.sku_id for ln in lines]
    level = _level(session, user_id, settings)
    facts = pricing_facts(session, [ln.product_id for ln in lines])
    offers = prices.offers_for(session, sku_ids=sku_ids, level=level, now=now)
    floors = floors_for(session, sku_ids)
    built = tuple(
        Line(sku_id=ln.sku_id, product_id=ln.product_id, merchant_id=ln.merchant_id,
             quantity=ln.quantity, list_price_cents=ln.list_price_cents,
             category_ids=facts.get(ln.product_id, (frozenset(), None))[0],
             brand_id=facts.get(ln.product_id, (frozenset(), None))[1],
             offers=offers.get(ln.sku_id, ()) + ((ln.sale_price,) if ln.sale_price else ()),
             floor_cents=floors.get(ln.sku_id),
             shippable=ln.shippable)
        for ln in lines)

    candidates = [c for c in active_promotions(session)
                  if c.starts_at <= now < c.ends_at and c.currency == currency
                  and (not c.member_levels or level in c.member_levels)
                  and (c.audience_id is None or (user_id is not None and redis is not None))
                  and (c.per_user_limit is None or user_id is not None)
                  and touches(c.offer, built)]
    out = _exhausted(session, [c.offer.id for c in candidates if c.limited])
    if user_id is not None:
        held = held_counts(session, user_id=user_id, promotion_ids=[
            c.offer.id for c in candidates if c.per_user_limit is not None])
        out |= {c.offer.id for c in candidates
                if c.per_user_limit is not None and held.get(c.offer.id, 0) >= c.per_user_limit}
    chosen = [c for c in candidates if c.offer.id not in out]
    chosen = [c for c in chosen if c.audience_id is None
              or _in_audience(session, redis, c.audience_id, user_id, settings)]
    coupons = wallet(session, user_id=user_id, now=now, currency=currency)
    return Request(lines=built, promotions=(*(c.offer for c in chosen), *coupons),
                   shipping_fee=shipping_fee, payment_channel=payment_channel,
                   chosen_coupons=frozenset(chosen_coupons) if chosen_coupons is not None
                   else None)
