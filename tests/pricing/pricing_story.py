"""A hand-written pricing story for the pricing marts: two promotions and a coupon template,
a few USD orders paid, cancelled or left unpaid (and one EUR order), coupons issued,
redeemed and given back, and the price floor holding three prices up (one landed twice).
Every expected figure in test_pricing_marts.py is worked out from what is written here.

  P1 "Summer sale" (percent_off, platform, campaign summer), P2 "Free shipping"
  (free_shipping, funded by merchant m1, no campaign), T1 "Welcome 5 off" (coupon template,
  platform, campaign summer).

  order  user  placed/paid          status           total  applied
  o1     u1    06-10 10:00          paid             9,000  P1 1,000 (s1 600, s2 400); T1 c1 500
                                                            (s1); P2 shipping 800
  o2     u2    06-10 11:00          paid             4,000  P1 400 (s1)
  o3     u3    06-10 12:00 paid,    cancelled 13:00  3,000  P1 300 (s1); T1 c2 500 (s1),
                                                            c2 given back 06-11
  o4     u4    06-10 14:00          paid             2,000  -
  o5     u5    06-10 15:00          pending_payment  1,500  P2 shipping 600
  o6     u1    06-11 09:00          paid             5,000  P2 shipping 700 + gift 250
  o7     u6    06-10 16:00          paid (EUR)       7,000  -

  u1 came from facebook / paid_social / summer at 06-10 09:00 (the only session); summer's
  cost for that channel on 06-10 is 2,000.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from transactional_api.core.models import Base, Order, User
from transactional_api.events import contract as c
from transactional_api.events import marketing_events as me
from transactional_api.events import pricing_events as pe


def at(day: str, time: str = "12:00:00") -> datetime:
    return datetime.fromisoformat(f"2025-06-{day}T{time}+00:00").astimezone(UTC)


# order -> (user, placed at, paid at, cancelled at, status, total, currency)
ORDERS = {
    "o1": ("u1", at("10", "10:00:00"), at("10", "10:00:00"), None, "paid", 9_000, "USD"),
    "o2": ("u2", at("10", "11:00:00"), at("10", "11:00:00"), None, "paid", 4_000, "USD"),
    "o3": ("u3", at("10", "12:00:00"), at("10", "12:00:00"), at("10", "13:00:00"),
           "cancelled", 3_000, "USD"),
    "o4": ("u4", at("10", "14:00:00"), at("10", "14:00:00"), None, "paid", 2_000, "USD"),
    "o5": ("u5", at("10", "15:00:00"), None, None, "pending_payment", 1_500, "USD"),
    "o6": ("u1", at("11", "09:00:00"), at("11", "09:00:00"), None, "paid", 5_000, "USD"),
    "o7": ("u6", at("10", "16:00:00"), at("10", "16:00:00"), None, "paid", 7_000, "EUR"),
}
USERS = ("u1", "u2", "u3", "u4", "u5", "u6")


def build_oltp(url: str) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=at("01")) for u in USERS])
        for oid, (user, placed, paid, cancelled, status, total, cur) in ORDERS.items():
            s.add(Order(id=oid, user_id=user, status=status, currency=cur,
                        subtotal_cents=total, discount_cents=0, total_cents=total,
                        created_at=placed, updated_at=placed,
                        expires_at=placed + timedelta(minutes=15), paid_at=paid,
                        cancelled_at=cancelled))
    engine.dispose()


def _promotion(pid, name, kind, version, status, previous, when, merchant=None, campaign=None):
    return pe.PromotionChanged(occurred_at=when, user_id="op", payload={
        "promotion_id": pid, "name": name, "kind": kind, "merchant_id": merchant,
        "campaign": campaign, "status": status, "previous_status": previous,
        "currency": "USD", "version": version})


def _applied(oid, pid, kind, when, *, discount=0, lines=(), shipping=0, gift=0, coupon=None,
             funded_by=None, campaign=None, currency="USD"):
    user = ORDERS[oid][0]
    return pe.PromotionApplied(occurred_at=when, user_id=user, payload={
        "order_id": oid, "promotion_id": pid, "coupon_id": coupon, "kind": kind,
        "funded_by_merchant_id": funded_by, "campaign": campaign, "currency": currency,
        "discount_cents": discount, "shipping_discount_cents": shipping,
        "gift_value_cents": gift,
        "lines": [{"sku_id": sku, "product_id": f"p-{sku}", "merchant_id": "self-operated",
                   "discount_cents": cents} for sku, cents in lines]})


def _claimed(cid, user, channel, when):
    return pe.CouponClaimed(occurred_at=when, user_id=user, payload={
        "coupon_id": cid, "template_id": "T1", "kind": "full_reduction", "channel": channel,
        "campaign": "summer", "value_cents": 500, "currency": "USD", "valid_from": when,
        "valid_until": when + timedelta(days=30)})


def _floor(sku, when, *, floor, attempted, blocked, promotion=None, order=None):
    return pe.PriceFloorBlocked(occurred_at=when, user_id="u2", payload={
        "sku_id": sku, "promotion_id": promotion, "order_id": order, "floor_cents": floor,
        "attempted_unit_cents": attempted, "blocked_cents": blocked, "currency": "USD"})


def events() -> list[dict]:
    o = {oid: spec[1] for oid, spec in ORDERS.items()}
    evs = [
        _promotion("P1", "Summer 10%", "percent_off", 1, "draft", None, at("09", "08:00:00"),
                   campaign="summer"),
        _promotion("P1", "Summer sale", "percent_off", 2, "active", "draft",
                   at("09", "09:00:00"), campaign="summer"),
        _promotion("P2", "Free shipping", "free_shipping", 1, "active", None,
                   at("09", "08:30:00"), merchant="m1"),
        pe.CouponTemplateChanged(occurred_at=at("09", "08:00:00"), user_id="op", payload={
            "template_id": "T1", "name": "Welcome 5 off", "kind": "full_reduction",
            "campaign": "summer", "status": "active", "per_user_limit": 1,
            "currency": "USD", "version": 1}),
        _claimed("c1", "u1", "claim", at("09", "10:00:00")),
        _claimed("c2", "u3", "grant", at("09", "11:00:00")),
        _claimed("c3", "u2", "code", at("10", "08:00:00")),
        _claimed("c4", "u4", "claim", at("10", "09:00:00")),
        _applied("o1", "P1", "percent_off", o["o1"], discount=1_000,
                 lines=[("s1", 600), ("s2", 400)], campaign="summer"),
        _applied("o1", "T1", "full_reduction", o["o1"], discount=500, lines=[("s1", 500)],
                 coupon="c1", campaign="summer"),
        _applied("o1", "P2", "free_shipping", o["o1"], shipping=800, funded_by="m1"),
        _applied("o2", "P1", "percent_off", o["o2"], discount=400, lines=[("s1", 400)],
                 campaign="summer"),
        _applied("o3", "P1", "percent_off", o["o3"], discount=300, lines=[("s1", 300)],
                 campaign="summer"),
        _applied("o3", "T1", "full_reduction", o["o3"], discount=500, lines=[("s1", 500)],
                 coupon="c2", campaign="summer"),
        _applied("o5", "P2", "free_shipping", o["o5"], shipping=600, funded_by="m1"),
        _applied("o6", "P2", "free_shipping", o["o6"], shipping=700, gift=250, funded_by="m1"),
        pe.CouponRedeemed(occurred_at=o["o1"], user_id="u1", payload={
            "coupon_id": "c1", "template_id": "T1", "order_id": "o1", "discount_cents": 500,
            "currency": "USD"}),
        pe.CouponRedeemed(occurred_at=o["o3"], user_id="u3", payload={
            "coupon_id": "c2", "template_id": "T1", "order_id": "o3", "discount_cents": 500,
            "currency": "USD"}),
        pe.CouponReturned(occurred_at=at("11", "08:00:00"), user_id="u3", payload={
            "coupon_id": "c2", "template_id": "T1", "order_id": "o3",
            "reason": "order_cancelled"}),
        _floor("s1", at("10", "11:00:00"), floor=800, attempted=700, blocked=100,
               promotion="P1", order="o2"),
        _floor("s1", at("10", "17:00:00"), floor=800, attempted=750, blocked=50),
        _floor("s2", at("10", "18:00:00"), floor=300, attempted=250, blocked=100,
               promotion="P1"),
        c.PageView(occurred_at=at("10", "09:00:00"), user_id="u1", payload={"page": "/"},
                   context={"utm_source": "facebook", "utm_medium": "paid_social",
                            "utm_campaign": "summer"}),
        me.CampaignCostSet(occurred_at=at("11", "01:00:00"), user_id="op", payload={
            "cost_id": "summer-06-10", "campaign": "summer", "source": "facebook",
            "medium": "paid_social", "day": at("10").date(), "currency": "USD",
            "revision": 1, "amount_cents": 2_000}),
    ]
    return [c.to_record(e) for e in evs]


def landings() -> list[list[dict]]:
    batch = events()
    again = [r for r in batch if r["event_type"] == "price_floor_blocked"
             and r["payload"]["sku_id"] == "s2"]
    return [batch, again]  # at-least-once delivery: s2's block lands twice


MARTS = ("+fct_coupon_templates_daily", "+fct_promotion_cost_daily", "+fct_promotion_orders",
         "+fct_price_floor_blocks_daily", "+fct_campaign_roi")
