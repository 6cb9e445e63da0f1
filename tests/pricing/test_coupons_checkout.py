"""The functions the quote service and checkout call: wallet_offers (coupons as engine
offers), commit (used once, by one order) and release (given back once, if still valid),
with their events; two threads committing one coupon to two orders; and random
interleavings of claim/commit/release keeping the books straight (hypothesis)."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.pricing.coupon_helpers import T0, claim, events, shopper, start_api, template
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict
from transactional_api.pricing import coupons
from transactional_api.pricing.coupon_models import Coupon, CouponTemplate
from transactional_api.pricing.engine.model import Applied, Line, Outcome, Request
from transactional_api.pricing.engine.solve import price


@pytest.fixture
def api(tmp_path, redis_server):
    """Quiet risk rules and the simulated clock (coupon_helpers.start_api)."""
    yield from start_api(tmp_path, redis_server.url)


def _outcome(*pairs: tuple[str, str], off: int = 300) -> Outcome:
    return Outcome(lines=(), shipping=(), applied=tuple(
        Applied(promotion_id=t, coupon_id=c, name="c", kind="amount_off", lane="order",
                merchant_id=None, discount_cents=off, shipping_discount_cents=0)
        for t, c in pairs))


def _offers(api, uid, now=T0, currency="USD"):
    with transaction(api.sessions) as s:
        return coupons.wallet_offers(s, user_id=uid, now=now, currency=currency)


def test_wallet_offers_map_each_kind_for_the_engine(api, admin):
    merchant = admin.post("/v1/admin/merchants", json={
        "name": "M", "slug": f"m-{uuid.uuid4().hex[:6]}"}).json()["id"]
    made = {kind: template(admin, kind=kind) for kind in (
        "full_reduction", "percent_off", "random_amount", "new_user", "shipping")}
    made["merchant"] = template(admin, kind="percent_off", merchant_id=merchant,
                                scope_kind="category", scope_ids=["cat-1"], min_spend_cents=900)
    made["grouped"] = template(admin, stacking_group="vip", exclusive=True, priority=5)
    c, uid = shopper(api)
    held = {name: claim(c, t["id"], T0).json() for name, t in made.items()}
    offers = {o.coupon_id: o for o in _offers(api, uid)}
    assert set(offers) == {x["id"] for x in held.values()}
    by = {name: offers[held[name]["id"]] for name in held}
    assert (by["full_reduction"].kind, by["full_reduction"].params["tiers"]) == (
        "full_reduction", ((5000, 500), (10000, 1500)))
    assert (by["percent_off"].kind, by["percent_off"].params["percent_bp"],
            by["percent_off"].params["cap_cents"]) == ("percent_off", 1000, 2000)
    assert (by["random_amount"].kind, by["random_amount"].params["amount_cents"]) == (
        "amount_off", held["random_amount"]["value_cents"])
    assert (by["new_user"].kind, by["new_user"].params["amount_cents"]) == ("amount_off", 700)
    assert (by["shipping"].kind, by["shipping"].params["cap_cents"]) == ("free_shipping", 800)
    m = by["merchant"]
    assert (m.merchant_id, m.group, m.scope.kind, m.scope.ids, m.params["min_spend_cents"]) == (
        merchant, f"coupon:{merchant}", "category", frozenset({"cat-1"}), 900)
    assert {by[k].group for k in ("full_reduction", "shipping")} == {"coupon"}
    g = by["grouped"]
    assert (g.group, g.exclusive, g.priority) == ("vip", True, 5)
    assert all(o.id == made[name]["id"] for name, o in by.items())
    # other currencies and times outside validity offer nothing
    assert _offers(api, uid, currency="EUR") == []
    assert _offers(api, uid, now=T0 + timedelta(days=8)) == []
    assert _offers(api, uid, now=T0 - timedelta(seconds=1)) == []


def test_the_engine_takes_a_wallet_coupon_and_commit_marks_it_used(api, admin):
    t = template(admin)  # 500 off from 5000, 1500 off from 10000
    c, uid = shopper(api)
    coupon = claim(c, t["id"], T0).json()
    line = Line(sku_id="s", product_id="p", merchant_id="m", quantity=2,
                list_price_cents=3000)
    outcome = price(Request(lines=(line,), promotions=tuple(_offers(api, uid))))
    assert [(a.coupon_id, a.discount_cents) for a in outcome.applied] == [(coupon["id"], 500)]
    with transaction(api.sessions) as s:
        coupons.commit(s, order_id="order-1", user_id=uid, outcome=outcome, now=T0)
    assert _offers(api, uid) == []
    [redeemed] = [e for e in events(api, "coupon_redeemed")
                  if e["payload"]["coupon_id"] == coupon["id"]]
    assert (redeemed["payload"]["order_id"], redeemed["payload"]["discount_cents"],
            redeemed["user_id"]) == ("order-1", 500, uid)


def test_commit_refuses_used_foreign_and_expired_coupons(api, admin):
    t = template(admin, valid_days=1)
    c, uid = shopper(api)
    coupon = claim(c, t["id"], T0).json()["id"]
    other, other_id = shopper(api)

    def commit(order, user, now=T0):
        with transaction(api.sessions) as s:
            coupons.commit(s, order_id=order, user_id=user, outcome=_outcome((t["id"], coupon)),
                           now=now)

    for user, now in ((other_id, T0), (uid, T0 + timedelta(days=1))):
        with pytest.raises(Conflict) as err:
            commit("o-x", user, now)
        assert err.value.code == "coupon_unavailable"
    commit("o-1", uid)
    with pytest.raises(Conflict):
        commit("o-2", uid)
    assert events(api, "coupon_redeemed")[-1]["payload"]["order_id"] == "o-1"
    assert len(events(api, "coupon_redeemed")) == 1


def test_release_gives_back_once_while_valid_else_expires(api, admin):
    t = template(admin, valid_days=2)
    c, uid = shopper(api)
    first = claim(c, t["id"], T0).json()["id"]
    with transaction(api.sessions) as s:
        coupons.commit(s, order_id="o-1", user_id=uid, outcome=_outcome((t["id"], first)),
                       now=T0)

    def release(order, now):
        with transaction(api.sessions) as s:
            return coupons.release(s, order_id=order, reason="order_cancelled", now=now)

    assert [release("o-1", T0 + timedelta(hours=1)) for _ in range(3)] == [1, 0, 0]
    assert [o.coupon_id for o in _offers(api, uid)] == [first]
    returned = [e["payload"] for e in events(api, "coupon_returned")]
    assert returned == [{"coupon_id": first, "template_id": t["id"], "order_id": "o-1",
                         "reason": "order_cancelled"}]
    # used again, then cancelled after its validity: it expires instead, no event
    with transaction(api.sessions) as s:
        coupons.commit(s, order_id="o-2", user_id=uid, outcome=_outcome((t["id"], first)),
                       now=T0 + timedelta(days=1))
    assert release("o-2", T0 + timedelta(days=3)) == 0
    with api.sessions() as s:
        assert s.get(Coupon, first).status == "expired"
    assert len(events(api, "coupon_returned")) == 1


def test_two_threads_commit_one_coupon_to_two_orders_one_wins(api, admin):
    t = template(admin, per_user_limit=5)
    c, uid = shopper(api)
    ids = [claim(c, t["id"], T0).json()["id"] for _ in range(5)]
    for coupon in ids:
        results: list[str] = []
        barrier = threading.Barrier(2)

        def run(order: str, coupon=coupon, results=results, barrier=barrier):
            barrier.wait()
            try:
                with transaction(api.sessions) as s:
                    coupons.commit(s, order_id=order, user_id=uid,
                                   outcome=_outcome((t["id"], coupon)), now=T0)
                results.append(order)
            except Conflict as err:
                results.append(err.code)

        threads = [threading.Thread(target=run, args=(f"{coupon}-{n}",)) for n in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert len(results) == 2 and results.count("coupon_unavailable") == 1, results
        winner = next(r for r in results if r != "coupon_unavailable")
        with api.sessions() as s:
            assert (s.get(Coupon, coupon).status, s.get(Coupon, coupon).order_id) == (
                "used", winner)


def _books(api, template_id: str) -> tuple[int, int, int]:
    with api.sessions() as s:
        issued = s.get(CouponTemplate, template_id).issued_count
        rows = s.scalar(select(func.count()).select_from(Coupon)
                        .where(Coupon.template_id == template_id))
        orphans = s.scalar(select(func.count()).select_from(Coupon).where(
            Coupon.template_id == template_id, Coupon.status == "used",
            Coupon.order_id.is_(None)))
    return issued, rows, orphans


STEPS = st.lists(st.tuples(st.sampled_from(["claim", "commit", "release"]),
                           st.integers(0, 2), st.integers(0, 3)), max_size=25)


@pytest.fixture
def trio(api):
    return [shopper(api) for _ in range(3)]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_random_interleavings_keep_the_books(api, admin, trio, steps):
    """Whatever order shoppers claim, orders commit and cancellations release: issued_count
    equals the wallet rows, never more than the limits allow, and a used coupon names its
    order; each order holds at most what it committed."""
    t = template(admin, total_limit=5, per_user_limit=2)  # a fresh template per example
    users = trio
    held: dict[int, list[str]] = {i: [] for i in range(3)}
    used_by_order: dict[str, set[str]] = {}
    for action, who, n in steps:
        client, uid = users[who]
        if action == "claim":
            r = claim(client, t["id"], T0)
            if r.status_code == 201:
                held[who].append(r.json()["id"])
            else:
                assert r.json()["error"]["code"] in ("coupon_sold_out", "coupon_limit_reached")
        elif action == "commit" and held[who]:
            coupon, order = held[who][n % len(held[who])], f"{t['id']}-{who}-{n}"
            try:
                with transaction(api.sessions) as s:
                    coupons.commit(s, order_id=order, user_id=uid,
                                   outcome=_outcome((t["id"], coupon)), now=T0)
                used_by_order.setdefault(order, set()).add(coupon)
            except Conflict:
                pass
        elif action == "release":
            order = f"{t['id']}-{who}-{n}"
            with transaction(api.sessions) as s:
                back = coupons.release(s, order_id=order, reason="order_cancelled", now=T0)
            assert back == len(used_by_order.pop(order, set()))
        issued, rows, orphans = _books(api, t["id"])
        assert issued == rows == sum(len(v) for v in held.values()) <= 5
        assert orphans == 0
        assert all(len(v) <= 2 for v in held.values())
    with api.sessions() as s:
        used = {c.id: c.order_id for c in s.scalars(select(Coupon).where(
            Coupon.template_id == t["id"], Coupon.status == "used"))}
    assert used == {c: o for o, cs in used_by_order.items() for c in cs}
