"""commit takes budget and usage atomically (threads on the real SQLite file), release
gives them back exactly once, and quote runs loader + engine end to end."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.pricing.promo_helpers import build_shop, events, move, promo
from transactional_api.core.errors import Conflict
from transactional_api.pricing import service
from transactional_api.pricing.engine.model import Applied, Outcome, PricedLine
from transactional_api.pricing.loader import LineIn
from transactional_api.pricing.models import Promotion, PromotionRedemption

NOW = datetime.now(UTC)


@pytest.fixture
def shop(api, admin):
    return build_shop(api, admin)


def _active(api, shop, body) -> str:
    with api.client(shop["marketer"]) as m:
        pid = m.post("/v1/admin/promotions", json=body).json()["id"]
        assert move(m, pid, "activate").status_code == 200
    return pid


def _outcome(shop, pid: str, cents: int, shipping: int = 0) -> Outcome:
    sku = shop["sku"]["a-dear"]
    line = PricedLine(sku_id=sku, quantity=1, list_price_cents=3000, unit_price_cents=3000,
                      price_kind="list", price_label="", discount_cents=cents,
                      floor_cents=None, allocations={pid: cents})
    return Outcome(lines=(line,), shipping=(), applied=(Applied(
        promotion_id=pid, coupon_id=None, name="p", kind="amount_off", lane="order",
        merchant_id=None, discount_cents=cents, shipping_discount_cents=shipping),))


def _place_many(api, shop, pid, n, cents, user=lambda i: f"u{i}"):
    won, lost = [], []
    barrier = threading.Barrier(n)

    def place(i):
        barrier.wait()
        try:
            with api.sessions.begin() as s:
                service.commit(s, order_id=f"o{i}", user_id=user(i),
                               outcome=_outcome(shop, pid, cents), currency="USD", now=NOW)
            won.append(i)
        except Conflict as exc:
            assert exc.code == "promotion_unavailable"
            lost.append(i)

    threads = [threading.Thread(target=place, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return won, lost


def _row(api, pid):
    with api.sessions() as s:
        return s.get(Promotion, pid)


def test_budget_never_overspent_under_threads(api, shop):
    pid = _active(api, shop, promo("amount_off", {"amount_cents": 300}, budget_cents=1000))
    won, lost = _place_many(api, shop, pid, 8, 300)
    assert (len(won), len(lost)) == (3, 5)
    p = _row(api, pid)
    assert (p.spent_cents, p.used_count) == (900, 3)
    applied = [e for e in events(api, "promotion_applied")]
    assert sorted(e["payload"]["order_id"] for e in applied) == sorted(f"o{i}" for i in won)
    assert {e["payload"]["discount_cents"] for e in applied} == {300}
    assert applied[0]["payload"]["lines"][0]["merchant_id"] == shop["merchant"]["a"]


def test_usage_and_per_user_limits_under_threads(api, shop):
    pid = _active(api, shop, promo("amount_off", {"amount_cents": 10}, usage_limit=4))
    won, _ = _place_many(api, shop, pid, 9, 10)
    assert len(won) == 4 and _row(api, pid).used_count == 4
    mine = _active(api, shop, promo("amount_off", {"amount_cents": 10}, per_user_limit=2))
    won, _ = _place_many(api, shop, mine, 6, 10, user=lambda i: "same-shopper")
    assert len(won) == 2 and _row(api, mine).used_count == 2


def test_a_refused_commit_changes_nothing(api, shop):
    pid = _active(api, shop, promo("amount_off", {"amount_cents": 500}, budget_cents=600))
    with api.client(shop["marketer"]) as m:
        move(m, pid, "pause")
    with pytest.raises(Conflict), api.sessions.begin() as s:
        service.commit(s, order_id="o1", user_id="u", outcome=_outcome(shop, pid, 500),
                       currency="USD", now=NOW)
    p = _row(api, pid)
    assert (p.spent_cents, p.used_count) == (0, 0)
    assert events(api, "promotion_applied") == []


def test_release_gives_back_exactly_once(api, shop):
    pid = _active(api, shop, promo("amount_off", {"amount_cents": 400}, budget_cents=1000))
    with api.sessions.begin() as s:
        service.commit(s, order_id="o1", user_id="u", outcome=_outcome(shop, pid, 400, 50),
                       currency="USD", now=NOW)
    assert _row(api, pid).spent_cents == 450  # goods and shipping discount
    given = []
    barrier = threading.Barrier(4)

    def cancel():
        barrier.wait()
        with api.sessions.begin() as s:
            given.append(service.release(s, order_id="o1", reason="order_cancelled", now=NOW))

    threads = [threading.Thread(target=cancel) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(given) == [0, 0, 0, 1]
    p = _row(api, pid)
    assert (p.spent_cents, p.used_count) == (0, 0)
    with api.sessions() as s:
        assert s.scalar(select(PromotionRedemption.status)) == "returned"


def test_quote_end_to_end_with_a_floor(api, admin, shop):
    sku = shop["sku"]["a-dear"]
    admin.put(f"/v1/admin/price-floors/{sku}", json={"floor_cents": 2500, "basis": "cost"})
    pid = _active(api, shop, promo(params={"percent_bp": 5000},
                                   scope={"kind": "sku", "ids": [sku]}))
    line = LineIn(sku_id=sku, product_id=shop["product"]["a"]["id"],
                  merchant_id=shop["merchant"]["a"], quantity=2, list_price_cents=3000,
                  currency="USD")
    with api.sessions() as s:
        out = service.quote(s, user_id=shop["shopper_id"], lines=[line], shipping_fee=None,
                            now=NOW, settings=api.settings)
    # 50% off 6000 would reach 1500 a unit; the floor holds it at 2500: 1000 off
    assert out.total_cents == 5000
    assert [a.promotion_id for a in out.applied] == [pid]
    assert out.floor_blocks and out.floor_blocks[0].sku_id == sku
    with api.sessions.begin() as s:
        service.commit(s, order_id="o-floor", user_id=shop["shopper_id"], outcome=out,
                       currency="USD", now=NOW)
    (blocked,) = events(api, "price_floor_blocked")
    assert blocked["payload"]["order_id"] == "o-floor"
    assert blocked["payload"]["floor_cents"] == 2500
    assert _row(api, pid).spent_cents == 1000
