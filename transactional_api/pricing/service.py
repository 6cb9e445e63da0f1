"""Pricing's public functions for other domains (checkout): quote a cart, commit the
discounts of a placed order, release them when the order is cancelled.

commit takes each applied promotion's budget and one use with a conditional UPDATE (the
row's own lock decides between concurrent orders, on SQLite and PostgreSQL alike), so no
promotion ever spends past its budget or usage limit: the order that would is refused with
409 promotion_unavailable and the shopper previews again. What a redemption takes from the
budget is its goods discount plus its shipping discount plus its gift's value.
"""

from __future__ import annotations

import logging
from datetime import datetime

import redis as redis_lib
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from transactional_api.catalog.pricing_facts import sku_facts
from transactional_api.core.errors import Conflict
from transactional_api.events.outbox import emit
from transactional_api.events.pricing_events import (
    DiscountLinePayload,
    PriceFloorBlocked,
    PriceFloorBlockedPayload,
    PromotionApplied,
    PromotionAppliedPayload,
)
from transactional_api.pricing import coupons
from transactional_api.pricing.engine.model import Outcome, ShippingFee
from transactional_api.pricing.loader import LineIn, build_request
from transactional_api.pricing.models import Promotion, PromotionRedemption

log = logging.getLogger("flywheel.pricing")


def quote(session: Session, *, user_id: str | None, lines: list[LineIn],
          shipping_fee: ShippingFee | None, payment_channel: str | None = None,
          chosen_coupons=None, now: datetime, redis: redis_lib.Redis | None = None,
          settings=None) -> Outcome:
    from transactional_api.pricing.engine.solve import price

    return price(build_request(session, user_id=user_id, lines=lines,
                               shipping_fee=shipping_fee, payment_channel=payment_channel,
                               chosen_coupons=chosen_coupons, now=now, redis=redis,
                               settings=settings))


def best_coupons(session: Session, *, user_id: str, lines: list[LineIn],
                 shipping_fee: ShippingFee | None, payment_channel: str | None = None,
                 now: datetime, redis: redis_lib.Redis | None = None, settings=None) -> list:
    """Each wallet coupon's saving on these lines against the best price without any
    coupon, best first (engine.solve.best_coupons)."""
    from transactional_api.pricing.engine.solve import best_coupons as solve_best

    return solve_best(build_request(session, user_id=user_id, lines=lines,
                                    shipping_fee=shipping_fee, payment_channel=payment_channel,
                                    chosen_coupons=None, now=now, redis=redis,
                                    settings=settings))


def _cost(a) -> int:
    return a.discount_cents + a.shipping_discount_cents + a.gift_value_cents


def _take(session: Session, *, promotion_id: str, order_id: str, user_id: str,
          cents: int, now: datetime) -> None:
    p = Promotion
    taken = session.execute(
        update(p).where(
            p.id == promotion_id, p.status == "active", p.starts_at <= now, p.ends_at > now,
            (p.budget_cents.is_(None)) | (p.spent_cents + cents <= p.budget_cents),
            (p.usage_limit.is_(None)) | (p.used_count < p.usage_limit))
        .values(spent_cents=p.spent_cents + cents, used_count=p.used_count + 1)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise Conflict("a promotion in this quote is no longer available; preview again",
                       code="promotion_unavailable", details={"promotion_id": promotion_id})
    # After the UPDATE: the promotion row's lock orders this shopper's concurrent orders,
    # so the count below sees the one that committed first.
    limit = session.scalar(select(p.per_user_limit).where(p.id == promotion_id))
    if limit is not None:
        held = session.scalar(select(func.count()).select_from(PromotionRedemption).where(
            PromotionRedemption.promotion_id == promotion_id,
            PromotionRedemption.user_id == user_id, PromotionRedemption.status == "held"))
        if held >= limit:
            raise Conflict("this shopper has used the promotion as often as allowed",
                           code="promotion_unavailable",
                           details={"promotion_id": promotion_id, "per_user_limit": limit})
    session.add(PromotionRedemption(promotion_id=promotion_id, order_id=order_id,
                                    user_id=user_id, discount_cents=cents, status="held",
                                    created_at=now))


def commit(session: Session, *, order_id: str, user_id: str, outcome: Outcome,
           currency: str, now: datetime) -> None:
    """In the placement's transaction: take budget and usage of every applied promotion
    (409 promotion_unavailable when a limit no longer allows it), record redemptions, emit
    promotion_applied per applied offer (coupons too) and price_floor_blocked per block,
    then hand over to the coupons' own commit when that module is there."""
    if not outcome.applied and not outcome.floor_blocks:
        return  # most placements: nothing to take, record or emit
    promos = [a for a in outcome.applied if a.coupon_id is None]
    for a in sorted(promos, key=lambda a: a.promotion_id):  # a fixed lock order
        _take(session, promotion_id=a.promotion_id, order_id=order_id, user_id=user_id,
              cents=_cost(a), now=now)
    session.flush()
    campaigns = dict(session.execute(select(Promotion.id, Promotion.campaign).where(
        Promotion.id.in_([a.promotion_id for a in outcome.applied])) ).all())
    facts = sku_facts(session, [ln.sku_id for ln in outcome.lines])
    for a in outcome.applied:
        key = a.promotion_id  # the engine keys allocations by offer id (a coupon's template)
        lines = [DiscountLinePayload(sku_id=ln.sku_id, product_id=facts[ln.sku_id].product_id,
                                     merchant_id=facts[ln.sku_id].merchant_id,
                                     discount_cents=ln.allocations[key])
                 for ln in outcome.lines
                 if ln.allocations.get(key) and ln.sku_id in facts]
        emit(session=session, event=PromotionApplied(
            occurred_at=now, user_id=user_id, payload=PromotionAppliedPayload(
                order_id=order_id, promotion_id=a.promotion_id, coupon_id=a.coupon_id,
                kind=a.kind, funded_by_merchant_id=a.merchant_id,
                campaign=campaigns.get(a.promotion_id), currency=currency,
                discount_cents=a.discount_cents,
                shipping_discount_cents=a.shipping_discount_cents,
                gift_value_cents=a.gift_value_cents, lines=lines)))
    for b in outcome.floor_blocks:
        emit(session=session, event=PriceFloorBlocked(
            occurred_at=now, user_id=user_id, payload=PriceFloorBlockedPayload(
                sku_id=b.sku_id, promotion_id=b.promotion_id or None, order_id=order_id,
                floor_cents=b.floor_cents, attempted_unit_cents=max(b.attempted_unit_cents, 0),
                blocked_cents=b.blocked_cents, currency=currency)))
    coupons.commit(session, order_id=order_id, user_id=user_id, outcome=outcome, now=now)


def release(session: Session, *, order_id: str, reason: str, now: datetime) -> int:
    """The order was cancelled: every held redemption gives its budget and use back,
    exactly once (held -> returned guards it). Returns how many were given back."""
    r = PromotionRedemption
    given = 0
    for rid, promotion_id, cents in session.execute(
            select(r.id, r.promotion_id, r.discount_cents)
            .where(r.order_id == order_id, r.status == "held").order_by(r.promotion_id)).all():
        done = session.execute(update(r).where(r.id == rid, r.status == "held")
                               .values(status="returned", returned_at=now)
                               .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            continue  # another release got there first
        session.execute(update(Promotion).where(Promotion.id == promotion_id).values(
            spent_cents=Promotion.spent_cents - cents,
            used_count=Promotion.used_count - 1).execution_options(synchronize_session=False))
        given += 1
    coupons.release(session, order_id=order_id, reason=reason, now=now)
    return given
