"""Merchant staff work on their own merchant only: another merchant's products and
sub-orders answer 404 exactly as ids that do not exist, and nothing of theirs changes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.api.catalog_helpers import category, pay, product, sku
from tests.conftest import register
from tests.rbac.helpers import user_with_role
from transactional_api.events.models import OutboxEvent


def _events(api, event_type: str) -> list[dict]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(OutboxEvent.event_type == event_type)
                         .order_by(OutboxEvent.id))
        return [json.loads(r) for r in rows]


@pytest.fixture
def shop(api, admin):
    """Merchants A and B with a product each, their staff, and a paid order of both."""
    ids = {}
    for name in ("a", "b"):
        r = admin.post("/v1/admin/merchants", json={"name": name.upper(), "slug": f"m-{name}"})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    cat = category(admin)
    products = {name: product(admin, cat, [sku(f"{name.upper()}-1", stock=5, price_cents=1500)],
                              merchant_id=ids[name], name=f"Goods of {name}")
                for name in ("a", "b")}
    staff = {name: user_with_role(api, admin, "merchant_staff", ids[name])[0]
             for name in ("a", "b")}
    buyer = api.client(register(api, "buyer@example.com"))
    r = buyer.post("/v1/orders", json={"shipping_region": "N", "items": [
        {"sku_id": products[n]["skus"][0]["id"], "quantity": 1} for n in ("a", "b")]})
    assert r.status_code == 201, r.text
    order = pay(buyer, r.json()["id"])
    assert order["status"] == "paid", order
    subs = {s["merchant_id"]: s for s in order["sub_orders"]}
    yield {"merchant": ids, "product": products, "staff": staff, "order": order,
           "sub": {n: subs[ids[n]] for n in ("a", "b")}, "buyer": buyer}
    buyer.close()


def _published_review_of_b(api, admin, shop) -> str:
    """The buyer's published review of B's product, from a second, delivered order (the
    fixture's order stays allocated)."""
    buyer, pb = shop["buyer"], shop["product"]["b"]
    r = buyer.post("/v1/orders", json={"shipping_region": "N", "items": [
        {"sku_id": pb["skus"][0]["id"], "quantity": 1}]})
    assert r.status_code == 201, r.text
    order = pay(buyer, r.json()["id"])
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 200
    assert admin.post(f"/v1/admin/orders/{order['id']}/complete").status_code == 200
    r = buyer.post(f"/v1/products/{pb['id']}/reviews", json={
        "order_id": order["id"], "sku_id": pb["skus"][0]["id"], "rating": 5})
    assert r.status_code == 201, r.text
    r = admin.post(f"/v1/admin/reviews/{r.json()['id']}/moderation",
                   json={"decision": "publish"})
    assert r.status_code == 200, r.text
    return r.json()["id"]


def _snapshot(admin, shop) -> dict:
    """Everything of merchant B's that A might try to change."""
    pb = admin.get(f"/v1/admin/products/{shop['product']['b']['id']}").json()
    order = admin.get(f"/v1/orders/{shop['order']['id']}").json()
    sub_b = next(s for s in order["sub_orders"] if s["id"] == shop["sub"]["b"]["id"])
    reviews = admin.get("/v1/admin/reviews", params={"product_id": pb["id"]}).json()["items"]
    return {"product": pb, "sub_status": sub_b["status"],
            "reviews": [(r["id"], r["reply"]) for r in reviews]}


def test_staff_cannot_read_or_change_another_merchants_goods_or_sub_orders(api, admin, shop):
    pa, pb = shop["product"]["a"], shop["product"]["b"]
    sku_b = pb["skus"][0]["id"]
    sub_a, sub_b = shop["sub"]["a"]["id"], shop["sub"]["b"]["id"]
    review_b = _published_review_of_b(api, admin, shop)
    before = _snapshot(admin, shop)
    prices_before = len(_events(api, "sku_price_changed"))
    moves_before = len(_events(api, "stock_moved"))

    with api.client(shop["staff"]["a"]) as a:
        missing_product = a.get("/v1/merchant/products/no-such-product").json()
        missing_sub = a.get("/v1/merchant/sub-orders/no-such-sub-order").json()
        missing_review = a.put("/v1/merchant/reviews/no-such-review/reply",
                               json={"text": "hi"}).json()
        attempts = [
            ("GET", f"/v1/merchant/products/{pb['id']}", None, missing_product),
            ("PATCH", f"/v1/merchant/products/{pb['id']}", {"name": "mine now"}, missing_product),
            ("PUT", f"/v1/merchant/products/{pb['id']}/labels", {"labels": ["clearance"]},
             missing_product),
            ("PUT", f"/v1/merchant/products/{pb['id']}/skus/{sku_b}/price",
             {"price_cents": 1}, missing_product),
            ("PUT", f"/v1/merchant/products/{pb['id']}/skus/{sku_b}/stock", {"available": 0},
             missing_product),
            # B's SKU under A's own product is not A's either
            ("PUT", f"/v1/merchant/products/{pa['id']}/skus/{sku_b}/price", {"price_cents": 1},
             None),
            ("PUT", f"/v1/merchant/products/{pa['id']}/skus/{sku_b}/stock", {"available": 0},
             None),
            ("GET", f"/v1/merchant/sub-orders/{sub_b}", None, missing_sub),
            ("POST", f"/v1/merchant/sub-orders/{sub_b}/transitions", {"to": "picking"},
             missing_sub),
            ("POST", "/v1/merchant/shipments", {"sub_order_ids": [sub_b], "carrier": "sandbox"},
             None),
            ("POST", "/v1/merchant/shipments",
             {"sub_order_ids": [sub_a, sub_b], "carrier": "sandbox"}, None),
            ("PUT", f"/v1/merchant/reviews/{review_b}/reply", {"text": "mine now"},
             missing_review),
            ("DELETE", f"/v1/merchant/reviews/{review_b}/reply", None, missing_review),
        ]
        for method, path, body, same_as in attempts:
            r = a.request(method, path, json=body)
            assert r.status_code == 404, (method, path, r.text)
            if same_as is not None:  # indistinguishable from an id that does not exist
                assert r.json() == same_as, (method, path)
        listed = a.get("/v1/merchant/products").json()
        assert [p["id"] for p in listed["items"]] == [pa["id"]] and listed["total"] == 1
        # the merchant is the grant's: a client-sent merchant_id changes nothing
        r = a.get("/v1/merchant/products", params={"merchant_id": shop["merchant"]["b"]})
        assert [p["id"] for p in r.json()["items"]] == [pa["id"]]
        subs = a.get("/v1/merchant/sub-orders").json()
        assert [s["id"] for s in subs["items"]] == [sub_a]
        assert all(s["merchant_id"] == shop["merchant"]["a"] for s in subs["items"])
        a_reviews = a.get("/v1/merchant/reviews").json()["items"]  # B's review is not A's

    assert _snapshot(admin, shop) == before
    assert len(_events(api, "sku_price_changed")) == prices_before
    assert len(_events(api, "stock_moved")) == moves_before
    assert a_reviews == [] and _events(api, "review_replied") == []
    # A's sub-order did not ship with B's in the refused mixed shipment
    order = admin.get(f"/v1/orders/{shop['order']['id']}").json()
    assert {s["status"] for s in order["sub_orders"]} == {"allocated"}


def test_staff_run_their_own_goods_and_sub_orders(api, admin, shop):
    pa = shop["product"]["a"]
    sku_a, sub_a = pa["skus"][0]["id"], shop["sub"]["a"]["id"]
    prices_before = len(_events(api, "sku_price_changed"))
    with api.client(shop["staff"]["a"]) as a:
        r = a.put(f"/v1/merchant/products/{pa['id']}/skus/{sku_a}/price",
                  json={"price_cents": 1799})
        assert r.status_code == 200 and r.json()["price_cents"] == 1799, r.text
        r = a.put(f"/v1/merchant/products/{pa['id']}/skus/{sku_a}/stock", json={"available": 9})
        assert r.status_code == 200 and r.json()["available"] == 9, r.text
        r = a.put(f"/v1/merchant/products/{pa['id']}/labels", json={"labels": ["eco", "new"]})
        assert r.status_code == 200 and r.json()["labels"] == ["eco", "new"], r.text
        r = a.patch(f"/v1/merchant/products/{pa['id']}", json={"name": "Renamed"})
        assert r.status_code == 200 and r.json()["name"] == "Renamed", r.text
        # pick, pack, ship; delivering is the carrier's business, not the merchant's
        for step in ("picking", "packed"):
            r = a.post(f"/v1/merchant/sub-orders/{sub_a}/transitions", json={"to": step})
            assert r.status_code == 200 and r.json()["status"] == step, r.text
        r = a.post(f"/v1/merchant/sub-orders/{sub_a}/transitions", json={"to": "delivered"})
        assert r.status_code == 422
        assert [s["id"] for s in a.get("/v1/merchant/sub-orders",
                                       params={"status": "packed"}).json()["items"]] == [sub_a]
        r = a.post("/v1/merchant/shipments", json={"sub_order_ids": [sub_a],
                                                   "carrier": "sandbox"})
        assert r.status_code == 201, r.text
        assert r.json()["merchant_id"] == shop["merchant"]["a"]
        mine = a.get(f"/v1/merchant/sub-orders/{sub_a}").json()
        assert mine["status"] == "shipped"
        # only A's line, as the buyer ordered it (the rename above came later)
        assert [(ln["sku_id"], ln["quantity"], ln["product_name"], ln["unit_price_cents"])
                for ln in mine["lines"]] == [(sku_a, 1, "Goods of a", 1500)]
        # merchant staff are not operators
        assert a.get("/v1/admin/products").status_code == 403
        assert a.get(f"/v1/orders/{shop['order']['id']}").status_code == 404
    public = api.client().get(f"/v1/products/{pa['id']}").json()
    assert public["name"] == "Renamed" and public["skus"][0]["price_cents"] == 1799
    # B's goods never moved
    pb = admin.get(f"/v1/admin/products/{shop['product']['b']['id']}").json()
    assert pb["skus"][0]["price_cents"] == 1500 and pb["name"] == "Goods of b"
    prices = _events(api, "sku_price_changed")[prices_before:]
    assert [(e["payload"]["sku_id"], e["payload"]["new_price_cents"]) for e in prices] == [
        (sku_a, 1799)]


def test_revoking_staff_closes_the_merchant_routes_at_once(api, admin, shop):
    with api.client(shop["staff"]["a"]) as a:
        assert a.get("/v1/merchant/products").status_code == 200
        me = a.get("/v1/me").json()["id"]
        assert admin.delete(f"/v1/admin/users/{me}/roles/merchant_staff").status_code == 204
        r = a.get("/v1/merchant/products")
        assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
        assert a.get(f"/v1/merchant/sub-orders/{shop['sub']['a']['id']}").status_code == 403
