"""Checkout through the price engine, over HTTP: the preview's breakdown is what placement
stores in the order's snapshot, coupons and promotion budgets are taken at placement and
given back on cancellation, a payment-channel reduction binds the payment channel, and a
refund of returned lines gives back what was allocated to them.

Every expected figure is worked out in the comments from the shop below: merchants a and b
each sell CHEAP (1000) and DEAR (3000); tax 10%; each merchant's parcel ships for 500
(no free-shipping threshold)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.catalog_helpers import pay
from tests.orders.helpers import lines, set_rates
from tests.pricing.promo_helpers import build_shop, events, move, promo
from transactional_api.pricing.coupon_models import Coupon
from transactional_api.pricing.models import Promotion


@pytest.fixture
def shop(api, admin):
    set_rates(admin, base=500, step=0, free_over=None, tax_bp=1000)
    return build_shop(api, admin)


def _active(api, shop, body: dict) -> str:
    with api.client(shop["marketer"]) as m:
        r = m.post("/v1/admin/promotions", json=body)
        assert r.status_code == 201, r.text
        assert move(m, r.json()["id"], "activate").status_code == 200
        return r.json()["id"]


def _coupon(api, shop, params: dict, kind: str = "full_reduction") -> str:
    """A claimable template of kind, claimed once by the shop's shopper: the coupon id."""
    with api.client(shop["marketer"]) as m:
        r = m.post("/v1/admin/coupon-templates", json={
            "name": f"{kind} coupon", "kind": kind, "params": params, "currency": "USD",
            "valid_days": 7})
        assert r.status_code == 201, r.text
        tid = r.json()["id"]
        assert m.post(f"/v1/admin/coupon-templates/{tid}/transitions",
                      json={"action": "activate"}).status_code == 200
    with api.client(shop["shopper"]) as c:
        r = c.post(f"/v1/coupons/templates/{tid}/claim")
        assert r.status_code == 201, r.text
        return r.json()["id"]


def _full_reduction(api, shop, **extra) -> str:
    return _active(api, shop, promo("full_reduction", {"tiers": [[5000, 600]]}, **extra))


def test_preview_shows_the_breakdown_and_the_order_keeps_it(api, shop):
    pid = _full_reduction(api, shop, name="600 off 5000")
    s = shop["sku"]
    items = lines(**{s["a-dear"]: 1, s["b-dear"]: 1})
    with api.client(shop["shopper"]) as c:
        pv = c.post("/v1/checkout/preview", json={"items": items}).json()
        # 3000 + 3000 = 6000 >= 5000: 600 off, shared 300/300 by the lines' amounts;
        # tax 10% of 2700 = 270 per line; two parcels at 500: 6000 - 600 + 540 + 1000
        assert pv["total_cents"] == 6940
        assert pv["discount_cents"] == 600 and pv["tax_cents"] == 540
        applied = pv["pricing"]["applied"]
        assert [(a["promotion_id"], a["discount_cents"]) for a in applied] == [(pid, 600)]
        assert sorted(ln["promotions"][0]["discount_cents"] for ln in pv["pricing"]["lines"]) \
            == [300, 300]
        r = c.post("/v1/orders", json={"items": items, "expected_total_cents": 6940})
        assert r.status_code == 201, r.text
        order = r.json()
    assert order["total_cents"] == 6940 and order["discount_cents"] == 600
    assert sorted((a["target"], a["sku_id"], a["amount_cents"]) for a in order["adjustments"]) \
        == sorted([("line", s["a-dear"], 300), ("line", s["b-dear"], 300)])
    assert sorted(sub["discount_cents"] for sub in order["sub_orders"]) == [300, 300]
    assert all(i["price_kind"] == "list" for i in order["items"])
    applied_events = [e for e in events(api, "promotion_applied")
                      if e["payload"]["order_id"] == order["id"]]
    assert [e["payload"]["discount_cents"] for e in applied_events] == [600]
    # a later change of the promotion never changes the order
    with api.client(shop["marketer"]) as m:
        assert move(m, pid, "end").status_code == 200
    with api.client(shop["shopper"]) as c:
        again = c.get(f"/v1/orders/{order['id']}").json()
    assert again["adjustments"] == order["adjustments"] and again["total_cents"] == 6940


def test_a_changed_price_is_refused_at_placement(api, shop):
    s = shop["sku"]
    items = lines(**{s["a-dear"]: 1, s["b-dear"]: 1})
    with api.client(shop["shopper"]) as c:
        seen = c.post("/v1/checkout/preview", json={"items": items}).json()["total_cents"]
    _full_reduction(api, shop)  # starts between the preview and the order
    with api.client(shop["shopper"]) as c:
        r = c.post("/v1/orders", json={"items": items, "expected_total_cents": seen})
    assert r.status_code == 409 and r.json()["error"]["code"] == "price_changed"


def test_the_best_coupon_is_used_and_comes_back_when_the_order_is_cancelled(api, shop):
    pid = _full_reduction(api, shop)
    coupon = _coupon(api, shop, {"tiers": [[5000, 500]]})
    s = shop["sku"]
    items = lines(**{s["a-dear"]: 1, s["b-dear"]: 1})
    with api.client(shop["shopper"]) as c:
        # the promotion first (order lane, its own group), then the coupon on what is left:
        # 5400 >= 5000, 500 off shared 250/250; lines 2450 each, tax 245 each;
        # 6000 - 1100 + 490 + 1000
        order = c.post("/v1/orders", json={"items": items}).json()
        assert order["total_cents"] == 6390
        assert {a["coupon_id"] for a in order["adjustments"]} == {None, coupon}
        wallet = c.get("/v1/me/coupons").json()["items"]
        assert [(w["id"], w["status"]) for w in wallet] == [(coupon, "used")]
        # asking for no coupon leaves it in the wallet: 6940 as without it
        pv = c.post("/v1/checkout/preview", json={"items": items, "coupon_ids": []}).json()
        assert pv["total_cents"] == 6940
        assert c.post(f"/v1/orders/{order['id']}/cancel").status_code == 200
        wallet = c.get("/v1/me/coupons").json()["items"]
    assert [(w["id"], w["status"]) for w in wallet] == [(coupon, "available")]
    assert [e["payload"]["order_id"] for e in events(api, "coupon_returned")] == [order["id"]]
    with api.sessions() as db:
        p = db.get(Promotion, pid)
        assert (p.spent_cents, p.used_count) == (0, 0)  # the budget and the use came back
        assert db.scalar(select(Coupon.order_id).where(Coupon.id == coupon)) is None


def test_best_coupon_names_the_one_that_saves_most(api, shop):
    _full_reduction(api, shop)
    fixed = _coupon(api, shop, {"tiers": [[5000, 500]]})
    percent = _coupon(api, shop, {"percent_bp": 1000, "cap_cents": 2000}, kind="percent_off")
    s = shop["sku"]
    with api.client(shop["shopper"]) as c:
        r = c.get("/v1/me/coupons/best", params={"cart": f"{s['a-dear']}:1,{s['b-dear']}:1"})
    assert r.status_code == 200, r.text
    got = r.json()
    # after the promotion 5400 is left: 10% is 540 (under the 2000 cap), beating 500 off
    assert got["best"]["coupon_id"] == percent and got["best"]["saving_cents"] == 540
    assert {x["coupon_id"]: x["saving_cents"] for x in got["coupons"]} == \
        {percent: 540, fixed: 500}


def test_a_payment_channel_reduction_binds_the_channel(api, shop):
    _active(api, shop, promo("payment_instant", {"channel": "card", "amount_cents": 200}))
    s = shop["sku"]
    items = lines(**{s["a-cheap"]: 1})
    with api.client(shop["shopper"]) as c:
        plain = c.post("/v1/checkout/preview", json={"items": items}).json()
        # 1000 + tax 100 + one parcel 500; the reduction needs the card
        assert plain["total_cents"] == 1600
        assert [r["reason"] for r in plain["pricing"]["rejected"]] == ["wrong_payment_channel"]
        order = c.post("/v1/orders", json={"items": items, "payment_channel": "card"}).json()
        # 1000 - 200 = 800, tax 80, parcel 500
        assert order["total_cents"] == 1380 and order["payment_channel"] == "card"
        r = c.post(f"/v1/orders/{order['id']}/payments", json={"channel": "sandbox"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "payment_channel_mismatch"


def test_a_refund_of_returned_lines_gives_back_what_was_allocated_to_them(api, admin, shop):
    _full_reduction(api, shop)
    s = shop["sku"]
    with api.client(shop["shopper"]) as c:
        placed = c.post("/v1/orders", json={"items": lines(**{s["a-cheap"]: 2,
                                                                s["a-dear"]: 1})}).json()
        order = pay(c, placed["id"])
    assert order["status"] == "paid", order
    # 2000 + 3000 = 5000 >= 5000: 600 shared 240/360 by 2000:3000
    by_sku = {i["sku_id"]: i for i in order["items"]}
    assert (by_sku[s["a-cheap"]]["discount_cents"], by_sku[s["a-dear"]]["discount_cents"]) \
        == (240, 360)
    sub = order["sub_orders"][0]["id"]  # not shipped yet: a refund without a return
    with api.client(shop["shopper"]) as c:
        r = c.post(f"/v1/orders/{order['id']}/after-sales", json={
            "type": "refund_only", "sub_order_id": sub, "lines": lines(**{s["a-dear"]: 1}),
            "reason_code": "damaged"})
        assert r.status_code == 201, r.text
    # the dear line paid 3000 - 360 = 2640 and its tax 264: exactly that is asked back
    assert r.json()["requested_cents"] == 2904
    r = admin.post(f"/v1/admin/after-sales/{r.json()['id']}/decision",
                   json={"decision": "approve", "reason": "policy ok"})
    assert r.status_code == 200, r.text
    assert r.json()["refunded_cents"] == 2904


def test_a_gift_ships_as_a_line_at_zero_and_holds_its_stock(api, admin, shop):
    s = shop["sku"]
    _active(api, shop, promo("gift", {"gift_sku_id": s["b-cheap"], "gift_value_cents": 1000,
                                      "min_spend_cents": 3000}))
    stock = {k["id"]: k["available"] for k in
             admin.get(f"/v1/products/{shop['product']['b']['id']}").json()["skus"]}
    with api.client(shop["shopper"]) as c:
        order = c.post("/v1/orders", json={"items": lines(**{s["a-dear"]: 1})}).json()
    gift = [i for i in order["items"] if i["sku_id"] == s["b-cheap"]]
    # 3000 >= 3000: the gift comes at 0; the total is the dear line, its tax and a's
    # parcel (fees are priced on what was bought: b's gift adds none): 3000 + 300 + 500
    assert [(g["quantity"], g["unit_price_cents"], g["price_kind"]) for g in gift] == \
        [(1, 0, "gift")]
    assert order["total_cents"] == 3800
    assert [a["target"] for a in order["adjustments"]] == ["gift"]
    after = {k["id"]: k["available"] for k in
             admin.get(f"/v1/products/{shop['product']['b']['id']}").json()["skus"]}
    assert after[s["b-cheap"]] == stock[s["b-cheap"]] - 1
