"""Redeeming over HTTP: goods paid wholly in points become paid orders at the mall price,
points plus cash leave an order to pay, coupons land in the wallet; every refusal (points,
mall stock, per-shopper limit, window, listing) is a 4xx that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.points_mall.mall_helpers import (
    balance,
    events,
    goods_item,
    redeem,
    shopper,
    sku,
    start_api,
)
from tests.pricing.coupon_helpers import template
from transactional_api.members import points
from transactional_api.orders.models import Order


@pytest.fixture
def api(tmp_path, redis_server):
    yield from start_api(tmp_path, redis_server.url)


@pytest.fixture
def admin(api):
    with api.client(api.admin_token()) as c:
        yield c


def _item(admin, item_id: str) -> dict:
    return admin.get(f"/v1/admin/points-mall/items/{item_id}").json()


def _orders(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Order))


def test_points_only_goods_become_a_paid_order_at_the_mall_price(api, admin):
    sku_id = sku(admin, price_cents=1999)
    item = goods_item(admin, sku_id, points_price=500, stock=2, per_user_limit=1)
    shop, _ = shopper(api, points=1200)
    listing = shop.get("/v1/points-mall/items").json()
    assert listing["points_balance"] == 1200
    assert [(i["id"], i["allowance_left"], i["on_sale"]) for i in listing["items"]] == [
        (item["id"], 1, True)]

    r = redeem(shop, item["id"], key="first")
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["points"], got["cash_cents"], got["points_balance"]) == (500, 0, 700)
    assert got["order_total_cents"] == 0 and got["order_status"] == "paid"
    order = shop.get(f"/v1/orders/{got['order_id']}").json()
    assert [(i["sku_id"], i["price_kind"], i["unit_price_cents"]) for i in order["items"]] == [
        (sku_id, "mall", 0)]
    assert _item(admin, item["id"])["stock_left"] == 1

    again = redeem(shop, item["id"], key="first")  # a retry: the same redemption, once
    assert again.status_code == 200 and again.json()["id"] == got["id"]
    assert balance(shop) == 700 and _orders(api) == 1

    over = redeem(shop, item["id"])
    assert over.status_code == 409 and over.json()["error"]["code"] == "per_user_limit_reached"
    assert balance(shop) == 700 and _item(admin, item["id"])["stock_left"] == 1
    assert shop.get("/v1/points-mall/items").json()["items"][0]["allowance_left"] == 0

    [redeemed] = events(api, "points_mall_redeemed")
    assert redeemed | {} == {**redeemed, "item_id": item["id"], "kind": "goods", "points": 500,
                             "cash_cents": 0, "order_id": got["order_id"],
                             "points_value_cents": 500, "quantity": 1}
    with api.sessions() as s:
        assert points.check(s) == []


def test_the_last_unit_goes_once_then_out_of_stock_changes_nothing(api, admin):
    item = goods_item(admin, sku(admin), stock=1)
    first, _ = shopper(api, points=600)
    second, _ = shopper(api, points=600)
    assert redeem(first, item["id"]).status_code == 201
    r = redeem(second, item["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "out_of_stock"
    assert balance(second) == 600 and _orders(api) == 1
    assert _item(admin, item["id"])["stock_left"] == 0


def test_insufficient_points_changes_nothing(api, admin):
    item = goods_item(admin, sku(admin), points_price=500, stock=3)
    shop, _ = shopper(api, points=499)
    r = redeem(shop, item["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_points"
    assert balance(shop) == 499 and _orders(api) == 0
    assert _item(admin, item["id"])["stock_left"] == 3
    assert events(api, "points_mall_redeemed") == []


def test_points_plus_cash_leaves_the_cash_to_pay(api, admin):
    item = goods_item(admin, sku(admin, price_cents=5000), points_price=300, cash_cents=990,
                      per_user_limit=3)
    shop, _ = shopper(api, points=1000)
    r = redeem(shop, item["id"], quantity=2)
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["points"], got["cash_cents"], got["points_balance"]) == (600, 1980, 400)
    assert got["order_status"] == "pending_payment" and got["order_total_cents"] >= 1980
    order = shop.get(f"/v1/orders/{got['order_id']}").json()
    assert order["items"][0]["unit_price_cents"] == 990 and order["items"][0]["quantity"] == 2


def test_outside_the_window_or_unlisted_is_refused(api, admin):
    now = datetime.now(UTC)
    later = goods_item(admin, sku(admin), starts_at=(now + timedelta(days=1)).isoformat())
    hidden = goods_item(admin, sku(admin), listed=False)
    shop, _ = shopper(api, points=5000)
    r = redeem(shop, later["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_on_sale"
    assert redeem(shop, hidden["id"]).status_code == 404
    assert [i["id"] for i in shop.get("/v1/points-mall/items").json()["items"]] == [later["id"]]
    assert balance(shop) == 5000 and _orders(api) == 0


def test_a_coupon_item_grants_the_coupon_for_points(api, admin):
    t = template(admin, claimable=False)
    r = admin.post("/v1/admin/points-mall/items", json={
        "kind": "coupon", "title": "5 off", "coupon_template_id": t["id"], "points_price": 200,
        "stock": 10, "per_user_limit": 1})
    assert r.status_code == 201, r.text
    shop, _ = shopper(api, points=250)
    got = redeem(shop, r.json()["id"])
    assert got.status_code == 201, got.text
    assert got.json()["coupon_id"] and got.json()["order_id"] is None
    wallet = shop.get("/v1/me/coupons").json()["items"]
    assert [c["id"] for c in wallet] == [got.json()["coupon_id"]]
    assert balance(shop) == 50


def test_operator_routes_need_marketing_and_valid_items(api, admin):
    shop, _ = shopper(api)
    assert shop.get("/v1/admin/points-mall/items").status_code == 403
    assert shop.post("/v1/admin/points-mall/items", json={}).status_code in (403, 422)
    r = admin.post("/v1/admin/points-mall/items", json={
        "kind": "coupon", "title": "x", "sku_id": sku(admin), "points_price": 1, "stock": 1})
    assert r.status_code == 422
    item = goods_item(admin, sku(admin), stock=2)
    shop2, _ = shopper(api, points=500)
    assert redeem(shop2, item["id"]).status_code == 201
    r = admin.patch(f"/v1/admin/points-mall/items/{item['id']}", json={"stock": 0})
    assert r.status_code == 409 and r.json()["error"]["code"] == "stock_below_redeemed"
    r = admin.patch(f"/v1/admin/points-mall/items/{item['id']}", json={"stock": 4})
    assert (r.json()["stock_total"], r.json()["stock_left"], r.json()["version"]) == (4, 3, 2)
    assert [e["version"] for e in events(api, "points_mall_item_changed")] == [2]
