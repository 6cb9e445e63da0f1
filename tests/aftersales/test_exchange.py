"""Exchange: the returned units come back on hand and another SKU of the same product
ships as a replacement sub-order of the same order, paid by the returned units."""

from __future__ import annotations

from tests.aftersales.helpers import (
    decide,
    deliver,
    events,
    inspect,
    ledger_consistent,
    open_request,
    refunded,
    ship_back,
    status,
    stock_of,
)
from tests.api.catalog_helpers import category, pay, product, sku
from tests.conftest import register
from tests.orders.helpers import lines, set_rates


def _shirts(admin, *, stock_l: int = 5):
    r = admin.post("/v1/admin/warehouses", json={"code": "hub", "name": "hub",
                                                 "regions": ["N"], "priority": 10})
    assert r.status_code == 201, r.text
    wh = r.json()["id"]
    cat = category(admin)
    shirt = product(admin, cat, [sku("SHIRT-M", price_cents=1500, weight_grams=200),
                                 sku("SHIRT-L", price_cents=1500, weight_grams=220),
                                 sku("SHIRT-XL", price_cents=1800, weight_grams=240)],
                    name="Shirt")
    mug = product(admin, cat, [sku("MUG", price_cents=1500)], name="Mug")
    ids = {s["code"]: s["id"] for p in (shirt, mug) for s in p["skus"]}
    for code, q in (("SHIRT-M", 5), ("SHIRT-L", stock_l), ("SHIRT-XL", 5), ("MUG", 5)):
        if q:
            r = admin.post("/v1/admin/stock/receipts", json={"sku_id": ids[code],
                                                             "warehouse_id": wh, "quantity": q})
            assert r.status_code == 201, r.text
    set_rates(admin, free_over=None, tax_bp=1000)
    return shirt, ids


def _delivered_shirts(api, admin, email: str, **kw):
    shirt, ids = _shirts(admin, **kw)
    c = api.client(register(api, email))
    r = c.post("/v1/orders", json={"items": lines(**{ids["SHIRT-M"]: 2}),
                                   "shipping_region": "N"})
    assert r.status_code == 201, r.text
    order = pay(c, r.json()["id"])
    deliver(admin, order["id"])
    return shirt, ids, c, order, order["sub_orders"][0]


def test_exchange_ships_the_other_size_and_takes_the_returned_one_back(api, admin):
    shirt, ids, c, order, sub = _delivered_shirts(api, admin, "exchange@example.com")
    m, size_l = ids["SHIRT-M"], ids["SHIRT-L"]
    r = open_request(c, order["id"], sub["id"], "exchange", {m: 1}, "wrong_item",
                     exchange_sku_id=size_l)
    assert r.status_code == 201, r.text
    req = r.json()
    assert decide(admin, req["id"]).json()["status"] == "approved"
    assert ship_back(c, req["id"]).status_code == 200
    assert (stock_of(c, shirt["id"], "SHIRT-M"), stock_of(c, shirt["id"], "SHIRT-L")) == (3, 5)

    r = inspect(admin, req["id"], {m: 1})
    assert r.status_code == 200, r.text
    done = r.json()
    # 1 of 2 units: goods 3000 // 2 = 1500, tax 300 // 2 = 150; no money moves
    assert (done["status"], done["resolution"], done["exchanged_cents"],
            done["refunded_cents"]) == ("closed", "exchanged", 1650, 0)
    assert refunded(api, order["id"]) == 0
    assert (stock_of(c, shirt["id"], "SHIRT-M"), stock_of(c, shirt["id"], "SHIRT-L")) == (4, 4)
    assert ledger_consistent(admin)

    after = c.get(f"/v1/orders/{order['id']}").json()
    new = next(s for s in after["sub_orders"] if s["id"] == done["replacement_sub_order_id"])
    assert (new["status"], new["shipping_cents"], new["total_cents"]) == ("allocated", 0, 1650)
    line = next(i for i in after["items"] if i["sub_order_id"] == new["id"])
    assert (line["sku_id"], line["quantity"], line["line_total_cents"], line["tax_cents"]) == (
        size_l, 1, 1500, 150)
    assert after["total_cents"] == order["total_cents"]  # what was charged stays
    assert after["status"] == "paid"  # the replacement still has to ship
    swapped = events(api, "after_sales_exchanged", req["id"])
    assert [(x["replacement_sub_order_id"], x["exchange_sku_id"], x["quantity"],
             x["value_cents"]) for x in swapped] == [(new["id"], size_l, 1, 1650)]
    assert [x["sub_order_id"] for x in events(api, "sub_order_created")][-1] == new["id"]

    # the replacement runs the ordinary fulfilment machine, and can itself be returned
    shipped = admin.post(f"/v1/admin/orders/{order['id']}/ship")
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    assert admin.post(f"/v1/admin/orders/{order['id']}/complete").json()["status"] == \
        "completed"
    back = open_request(c, order["id"], new["id"], "return_refund", {size_l: 1}).json()
    decide(admin, back["id"])
    ship_back(c, back["id"])
    assert inspect(admin, back["id"], {size_l: 1}).json()["refunded_cents"] == 1650
    assert stock_of(c, shirt["id"], "SHIRT-L") == 5
    # and the exchanged unit is settled: only one M is left to request
    over = open_request(c, order["id"], sub["id"], "return_refund", {m: 2})
    assert over.status_code == 409 and over.json()["error"]["details"]["available"] == {m: 1}


def test_exchange_rules(api, admin):
    shirt, ids, c, order, sub = _delivered_shirts(api, admin, "exchange-rules@example.com")
    m = ids["SHIRT-M"]
    cases = {None: "exchange_sku_required", m: "invalid_exchange_sku",
             ids["MUG"]: "invalid_exchange_sku", ids["SHIRT-XL"]: "exchange_price_differs",
             "no-such-sku": "invalid_exchange_sku"}
    for other, code in cases.items():
        extra = {"exchange_sku_id": other} if other else {}
        r = open_request(c, order["id"], sub["id"], "exchange", {m: 1}, **extra)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (other, r.text)
    assert status(c, order["id"]) == "completed"


def test_an_exchange_out_of_stock_can_be_settled_as_a_refund(api, admin):
    shirt, ids, c, order, sub = _delivered_shirts(api, admin, "exchange-oos@example.com",
                                                  stock_l=0)
    m, size_l = ids["SHIRT-M"], ids["SHIRT-L"]
    req = open_request(c, order["id"], sub["id"], "exchange", {m: 2}, "not_as_described",
                       exchange_sku_id=size_l).json()
    decide(admin, req["id"])
    ship_back(c, req["id"])
    r = inspect(admin, req["id"], {m: 2})
    assert r.status_code == 409 and r.json()["error"]["code"] == "out_of_stock"
    assert c.get(f"/v1/after-sales/{req['id']}").json()["status"] == "return_in_transit"
    assert stock_of(c, shirt["id"], "SHIRT-M") == 3  # nothing changed
    r = inspect(admin, req["id"], {m: 2}, settle="refund")
    assert r.status_code == 200, r.text
    assert (r.json()["resolution"], r.json()["refunded_cents"]) == ("refunded", 3300)
    assert refunded(api, order["id"]) == 3300
    assert stock_of(c, shirt["id"], "SHIRT-M") == 5
    assert status(c, order["id"]) == "completed"
