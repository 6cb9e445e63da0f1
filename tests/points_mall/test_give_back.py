"""Give-back: a mall order cancelled unpaid returns its points, its mall stock unit and the
shopper's allowance; a refunded one returns its points (not the stock: the goods left);
each once, however often the consumer re-reads the outbox."""

from __future__ import annotations

import time

import pytest

from tests.points_mall.mall_helpers import (
    balance,
    events,
    goods_item,
    redeem,
    shopper,
    sku,
    start_api,
)
from transactional_api.members import points
from transactional_api.points_mall import giveback


@pytest.fixture
def api(tmp_path, redis_server):
    yield from start_api(tmp_path, redis_server.url)


@pytest.fixture
def admin(api):
    with api.client(api.admin_token()) as c:
        yield c


def _run(admin) -> int:
    r = admin.post("/v1/admin/points-mall/give-backs/run")
    assert r.status_code == 200, r.text
    return r.json()["given_back"]


def test_a_cancelled_mall_order_gives_back_points_stock_and_allowance(api, admin):
    item = goods_item(admin, sku(admin), points_price=400, cash_cents=500, stock=1)
    shop, _ = shopper(api, points=1000)
    got = redeem(shop, item["id"]).json()
    assert balance(shop) == 600
    assert shop.get("/v1/points-mall/items").json()["items"][0]["allowance_left"] == 0
    assert shop.post(f"/v1/orders/{got['order_id']}/cancel").status_code == 200
    assert _run(admin) == 1
    assert _run(admin) == 0  # nothing twice
    assert balance(shop) == 1000
    mall = admin.get(f"/v1/admin/points-mall/items/{item['id']}").json()
    assert mall["stock_left"] == 1
    assert shop.get("/v1/points-mall/items").json()["items"][0]["allowance_left"] == 1
    [back] = events(api, "points_mall_given_back")
    assert (back["reason"], back["points"], back["units_restocked"], back["order_id"]) == (
        "cancelled", 400, 1, got["order_id"])
    # the unit is redeemable again
    assert redeem(shop, item["id"]).status_code == 201
    with api.sessions() as s:
        assert points.check(s) == []


def test_a_refunded_mall_order_gives_back_its_points_once(api, admin):
    item = goods_item(admin, sku(admin), points_price=300, cash_cents=700, stock=3)
    shop, _ = shopper(api, points=1000)
    got = redeem(shop, item["id"]).json()
    r = shop.post(f"/v1/orders/{got['order_id']}/payments", json={"sandbox_outcome": "succeed"})
    assert r.status_code == 202, r.text
    payment_id, deadline = r.json()["id"], time.monotonic() + 15
    while (paid := shop.get(f"/v1/orders/{got['order_id']}").json())["status"] != "paid":
        assert time.monotonic() < deadline, paid
        time.sleep(0.05)
    r = admin.post(f"/v1/admin/payments/{payment_id}/refunds",
                   headers={"Idempotency-Key": "mall-refund"},
                   json={"amount_cents": paid["total_cents"], "reason": "test"})
    assert r.status_code == 201, r.text
    # re-reading from the start of the outbox gives nothing back twice
    assert giveback.consume_all(api.sessions, api.settings) == 1
    with api.sessions() as s:
        assert giveback.apply(s, {"event_type": "refund_succeeded", "event_id": "x",
                                  "occurred_at": paid["paid_at"],
                                  "payload": {"order_id": got["order_id"]}},
                              api.settings) == 0
    assert balance(shop) == 1000
    assert admin.get(f"/v1/admin/points-mall/items/{item['id']}").json()["stock_left"] == 2
    [back] = events(api, "points_mall_given_back")
    assert (back["reason"], back["points"], back["units_restocked"]) == ("refunded", 300, 0)
