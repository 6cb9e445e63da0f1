"""Return and refund after delivery: approve, the shopper sends the goods back, the
operator inspects; only accepted units go back on hand and are refunded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.aftersales.helpers import (
    decide,
    deliver,
    events,
    inspect,
    ledger_consistent,
    open_request,
    paid_order,
    refunded,
    ship_back,
    status,
    stock_of,
)
from tests.api.catalog_helpers import category, pay, product, sku
from tests.conftest import register
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.orders.models import SubOrder


def test_return_and_refund_takes_back_and_refunds_only_accepted_units(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "return@example.com")
    a = shop["sku"]["A"]
    assert deliver(admin, order["id"])["status"] == "completed"
    r = open_request(c, order["id"], own["id"], "return_refund", {a: 2}, "damaged",
                     note="two arrived cracked")
    assert r.status_code == 201, r.text
    req = r.json()
    assert status(c, order["id"]) == "after_sales"

    r = decide(admin, req["id"], "approve", "photos show damage")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert refunded(api, order["id"]) == 0  # nothing before the goods are back
    r = ship_back(c, req["id"])
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["carrier"], r.json()["tracking_number"]) == (
        "return_in_transit", "sandbox-post", "RT123456")
    assert stock_of(c, shop["own"]["id"], "A") == 7

    r = inspect(admin, req["id"], {a: 1})  # one was fine, the other was dropped by the shopper
    assert r.status_code == 200, r.text
    done = r.json()
    # 1 of 3 units: goods 3750 // 3 = 1250, tax 309 // 3 = 103
    assert (done["status"], done["resolution"], done["refunded_cents"]) == (
        "closed", "refunded", 1353)
    assert done["lines"][0]["accepted_quantity"] == 1 and done["received_at"]
    assert refunded(api, order["id"]) == 1353
    assert stock_of(c, shop["own"]["id"], "A") == 8  # only the accepted unit
    assert status(c, order["id"]) == "completed"
    assert ledger_consistent(admin)

    inspected = events(api, "return_inspected", req["id"])
    assert [(x["requested_quantity"], x["accepted_quantity"]) for x in inspected] == [(2, 1)]
    assert inspected[0]["lines"][0]["warehouse_id"] == shop["wh"]["north"]
    assert [x["carrier"] for x in events(api, "return_shipped", req["id"])] == ["sandbox-post"]
    assert [x["amount_cents"] for x in events(api, "after_sales_refunded", req["id"])] == [1353]
    assert [x["to_status"] for x in events(api, "order_status_changed")
            if x["order_id"] == order["id"]][-2:] == ["after_sales", "completed"]

    # one unit was settled: two remain returnable
    over = open_request(c, order["id"], own["id"], "return_refund", {a: 3})
    assert over.status_code == 409
    assert over.json()["error"]["details"]["available"] == {a: 2}
    again = open_request(c, order["id"], own["id"], "return_refund", {a: 2}).json()
    decide(admin, again["id"])
    ship_back(c, again["id"])
    r = inspect(admin, again["id"], {a: 0})  # nothing acceptable came back
    assert (r.json()["resolution"], r.json()["refunded_cents"]) == ("nothing_accepted", 0)
    assert stock_of(c, shop["own"]["id"], "A") == 8
    assert refunded(api, order["id"]) == 1353


def test_returns_wait_for_delivery_and_the_return_window(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "too-early@example.com")
    a = shop["sku"]["A"]
    for kind in ("return_refund", "exchange"):
        r = open_request(c, order["id"], own["id"], kind, {a: 1})
        assert r.status_code == 409 and r.json()["error"]["code"] == "not_delivered", kind
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 200
    r = open_request(c, order["id"], own["id"], "return_refund", {a: 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_delivered"
    assert admin.post(f"/v1/admin/orders/{order['id']}/complete").status_code == 200
    with transaction(api.sessions) as s:  # delivered 31 days ago
        s.execute(update(SubOrder).where(SubOrder.id == own["id"]).values(
            delivered_at=clock.now() - timedelta(days=31)))
    r = open_request(c, order["id"], own["id"], "return_refund", {a: 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "return_window_closed"
    assert r.json()["error"]["details"]["window_days"] == 30
    assert status(c, order["id"]) == "completed"


def test_illegal_moves_answer_409_and_change_nothing(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "illegal-as@example.com")
    a, b = shop["sku"]["A"], shop["sku"]["B"]
    deliver(admin, order["id"])
    req = open_request(c, order["id"], own["id"], "return_refund", {a: 1}).json()
    dup = open_request(c, order["id"], own["id"], "return_refund", {a: 1})
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "after_sales_open"
    # another sub-order of the same order may have its own request
    assert open_request(c, order["id"], acme["id"], "return_refund", {b: 1}).status_code == 201

    before = c.get(f"/v1/after-sales/{req['id']}").json()
    assert ship_back(c, req["id"]).status_code == 409  # not approved yet
    assert inspect(admin, req["id"], {a: 1}).status_code == 409  # nothing sent back
    assert c.get(f"/v1/after-sales/{req['id']}").json() == before
    assert decide(admin, req["id"]).status_code == 200
    r = decide(admin, req["id"], "reject", "changed our mind")
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    assert inspect(admin, req["id"], {a: 1}).status_code == 409  # still nothing sent back
    assert ship_back(c, req["id"]).status_code == 200
    assert ship_back(c, req["id"]).status_code == 409  # once
    assert c.post(f"/v1/after-sales/{req['id']}/withdraw").status_code == 409  # goods travel
    assert inspect(admin, req["id"], {a: 2}).status_code == 422  # more than came back
    assert inspect(admin, req["id"], {b: 1}).status_code == 422  # not a line of it
    assert inspect(admin, req["id"], {a: 1}).status_code == 200
    assert inspect(admin, req["id"], {a: 1}).status_code == 409  # only once
    assert decide(admin, req["id"]).status_code == 409
    assert c.get(f"/v1/after-sales/{req['id']}").json()["refunded_cents"] == 1353
    assert refunded(api, order["id"]) == 1353
    assert status(c, order["id"]) == "after_sales"  # Acme's request is still open


def test_other_shoppers_and_bad_input(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "owner-as@example.com")
    a, b = shop["sku"]["A"], shop["sku"]["B"]
    deliver(admin, order["id"])
    req = open_request(c, order["id"], own["id"], "return_refund", {a: 1}).json()
    decide(admin, req["id"])
    other = api.client(register(api, "other-as@example.com"))
    assert open_request(other, order["id"], own["id"], "return_refund",
                        {a: 1}).status_code == 404
    assert other.get(f"/v1/orders/{order['id']}/after-sales").status_code == 404
    assert other.get(f"/v1/after-sales/{req['id']}").status_code == 404
    assert ship_back(other, req["id"]).status_code == 404
    assert other.post(f"/v1/after-sales/{req['id']}/withdraw").status_code == 404
    assert c.get("/v1/admin/after-sales").status_code == 403
    assert decide(c, req["id"]).status_code == 403
    assert inspect(c, req["id"], {a: 1}).status_code == 403
    assert decide(admin, "no-such-request").status_code == 404
    assert c.get(f"/v1/orders/{order['id']}/after-sales").status_code == 200

    url = f"/v1/orders/{order['id']}/after-sales"
    good = {"type": "return_refund", "sub_order_id": acme["id"],
            "lines": [{"sku_id": b, "quantity": 1}], "reason_code": "late"}
    for bad in ({**good, "type": "refund_please"}, {**good, "reason_code": "meh"},
                {**good, "lines": []}, {**good, "lines": [{"sku_id": b, "quantity": 0}]},
                {**good, "lines": [{"sku_id": b, "quantity": "1"}]},
                {**good, "note": "x" * 501}, {**good, "extra": 1},
                {k: v for k, v in good.items() if k != "sub_order_id"}):
        assert c.post(url, json=bad).status_code == 422, bad
    r = c.post(url, json={**good, "lines": [{"sku_id": a, "quantity": 1}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_in_sub_order"
    r = c.post(url, json={**good, "exchange_sku_id": a})
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_an_exchange"
    r = c.post(url, json={**good, "sub_order_id": "no-such-sub"})
    assert r.status_code == 404
    assert c.post(f"/v1/orders/{order['id']}/after-sales",
                  json={**good, "lines": [{"sku_id": b, "quantity": 2}]}).status_code == 409
    assert admin.post(f"/v1/admin/after-sales/{req['id']}/decision",
                      json={"decision": "approve", "reason": ""}).status_code == 422
    assert ship_back(c, req["id"]).status_code == 200
    assert admin.post(f"/v1/admin/after-sales/{req['id']}/inspection", json={
        "lines": [{"sku_id": a, "accepted_quantity": 1}, {"sku_id": a, "accepted_quantity": 0}],
    }).status_code == 422
    r = inspect(admin, req["id"], {a: 1}, settle="refund")
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_an_exchange"
    assert c.post(f"/v1/after-sales/{req['id']}/return-shipment",
                  json={"carrier": "", "tracking_number": "x"}).status_code == 422
    assert c.get(f"/v1/after-sales/{req['id']}").json()["status"] == "return_in_transit"


def test_virtual_goods_have_no_after_sales(api, admin):
    p = product(admin, category(admin), [sku("TOPUP-5", kind="virtual", price_cents=500)])
    topup = p["skus"][0]["id"]
    c = api.client(register(api, "virtual-as@example.com"))
    order = c.post("/v1/orders", json={"items": [{"sku_id": topup, "quantity": 1,
                                                  "recipient": "+5511999990000"}]}).json()
    paid = pay(c, order["id"])
    sub = paid["sub_orders"][0]
    assert sub["kind"] == "virtual" and sub["status"] == "delivered"
    for kind in ("return_refund", "refund_only", "exchange"):
        r = open_request(c, order["id"], sub["id"], kind, {topup: 1})
        assert r.status_code == 422 and r.json()["error"]["code"] == "virtual_not_returnable"
    assert status(c, order["id"]) == "delivered"


def test_operators_list_requests_by_status(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "listing@example.com")
    deliver(admin, order["id"])
    one = open_request(c, order["id"], own["id"], "return_refund", {shop["sku"]["A"]: 1}).json()
    two = open_request(c, order["id"], acme["id"], "return_refund",
                       {shop["sku"]["B"]: 1}).json()
    decide(admin, two["id"], "reject", "outside policy")
    page = admin.get("/v1/admin/after-sales", params={"status": "requested"}).json()
    assert [x["id"] for x in page["items"]] == [one["id"]] and page["total"] == 1
    page = admin.get("/v1/admin/after-sales", params={"status": "closed"}).json()
    assert [x["id"] for x in page["items"]] == [two["id"]]
    everything = admin.get("/v1/admin/after-sales").json()
    assert everything["total"] == 2
    assert admin.get("/v1/admin/after-sales", params={"status": "bogus"}).status_code == 422
    listed = c.get(f"/v1/orders/{order['id']}/after-sales").json()["items"]
    assert {x["id"] for x in listed} == {one["id"], two["id"]}
