"""Checkout: preview prices a cart for an address, placement re-checks and splits the order
into sub-orders, every line keeps its snapshot. Expected figures are worked out by hand
from the rates each test sets."""

from __future__ import annotations

from tests.api.catalog_helpers import available
from tests.conftest import register
from tests.orders.helpers import address, lines, set_rates, two_merchant_shop


def _place(c, **body):
    return c.post("/v1/orders", json=body)


def test_preview_prices_shipping_by_merchant_weight_and_tax_and_writes_nothing(api, admin):
    shop = two_merchant_shop(admin)
    set_rates(admin, tax_bp=825, region="*")
    s = shop["sku"]
    c = api.client(register(api, "preview@example.com"))
    home = address(c)
    body = {"items": lines(**{s["A"]: 2, s["C"]: 1, s["B"]: 1}), "address_id": home["id"]}
    p = c.post("/v1/checkout/preview", json=body)
    assert p.status_code == 200, p.text
    q = p.json()
    # own goods 2x1250 + 900 = 3400 at 2x700 + 300 = 1700 g: 500 + 2 started half-kilos;
    # Acme's 2000 at 1500 g: 500 + 1 step. Tax 8.25 % per line, rounded half up.
    fees = {x["merchant_id"]: x["shipping_cents"] for x in q["shipping"]}
    assert fees == {"self-operated": 900, shop["acme"]: 700}
    assert q["subtotal_cents"] == 5400
    assert q["tax_cents"] == 206 + 74 + 165
    assert q["total_cents"] == 5400 + 1600 + 445
    assert q["shipping_region"] == "N" and q["placeable"] is True
    own = next(x for x in q["shipping"] if x["merchant_id"] == "self-operated")
    assert own["short_of_free_shipping_cents"] == 5000 - 3400
    # nothing was placed or held
    assert c.get("/v1/orders").json()["total"] == 0
    assert available(c, shop["own"]["id"]) == {"A": 10, "C": 10}
    # enough of one merchant's goods ship free
    q3 = c.post("/v1/checkout/preview", json={"items": lines(**{s["B"]: 3}),
                                              "shipping_region": "N"}).json()
    assert q3["shipping_cents"] == 0 and q3["total_cents"] == 6000 + 495


def test_placement_splits_per_merchant_and_location_and_sums_exactly(api, admin):
    shop = two_merchant_shop(admin)
    set_rates(admin, tax_bp=825)
    s = shop["sku"]
    c = api.client(register(api, "split@example.com"))
    home = address(c)
    r = _place(c, items=lines(**{s["A"]: 2, s["C"]: 1, s["B"]: 1}), address_id=home["id"],
               expected_total_cents=7445)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "pending_payment" and order["total_cents"] == 7445
    assert order["ship_to"]["line1"] == "1 Main St" and order["shipping_region"] == "N"
    subs = order["sub_orders"]
    groups = {(x["merchant_id"], x["warehouse_id"]) for x in subs}
    assert groups == {("self-operated", shop["wh"]["north"]), ("self-operated", shop["wh"]["hub"]),
                      (shop["acme"], shop["wh"]["hub"])}
    assert all(x["status"] == "awaiting_payment" and x["customer_status"] == "pending_payment"
               for x in subs)
    for field in ("subtotal_cents", "shipping_cents", "tax_cents", "total_cents"):
        assert sum(x[field] for x in subs) == order[field], field
    own = [x for x in subs if x["merchant_id"] == "self-operated"]
    assert sum(x["shipping_cents"] for x in own) == 900
    heavier = next(x for x in own if x["warehouse_id"] == shop["wh"]["north"])
    assert heavier["shipping_cents"] > 900 * 1400 // 1700 - 1  # shared by weight
    by_sub = {x["id"]: x for x in subs}
    for item in order["items"]:
        sub = by_sub[item["sub_order_id"]]
        assert (item["merchant_id"], item["warehouse_id"]) == (sub["merchant_id"],
                                                               sub["warehouse_id"])
    a = next(i for i in order["items"] if i["sku_id"] == s["A"])
    assert (a["list_price_cents"], a["unit_price_cents"], a["discount_cents"], a["tax_cents"],
            a["weight_grams"]) == (1250, 1250, 0, 206, 700)


def test_placement_refuses_a_changed_price_a_foreign_address_and_missing_stock(api, admin):
    shop = two_merchant_shop(admin)
    set_rates(admin)
    s = shop["sku"]
    c = api.client(register(api, "recheck@example.com"))
    other = api.client(register(api, "someone@example.com"))
    theirs = address(other)
    mine = address(c)
    preview = c.post("/v1/checkout/preview", json={"items": lines(**{s["A"]: 1}),
                                                   "address_id": mine["id"]}).json()
    assert admin.put(f"/v1/admin/skus/{s['A']}/price",
                     json={"price_cents": 1300}).status_code == 200
    r = _place(c, items=lines(**{s["A"]: 1}), address_id=mine["id"],
               expected_total_cents=preview["total_cents"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "price_changed"
    assert r.json()["error"]["details"]["total_cents"] == preview["total_cents"] + 50
    r = _place(c, items=lines(**{s["A"]: 1}), address_id=theirs["id"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "address_not_found"
    r = _place(c, items=lines(**{s["A"]: 1}), address_id=mine["id"], shipping_region="S")
    assert r.status_code == 422 and r.json()["error"]["code"] == "region_conflict"
    r = _place(c, items=lines(**{s["A"]: 11}), address_id=mine["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "out_of_stock"
    assert c.get("/v1/orders").json()["total"] == 0
    assert available(c, shop["own"]["id"]) == {"A": 10, "C": 10}
    # a region no rate covers, once rates are regional only
    assert admin.delete("/v1/admin/shipping-rates/*/USD").status_code == 204
    set_rates(admin, region="N")
    r = _place(c, items=lines(**{s["A"]: 1}), shipping_region="S")
    assert r.status_code == 422 and r.json()["error"]["code"] == "shipping_unavailable"


def test_a_placed_order_never_changes_with_the_catalog(api, admin):
    shop = two_merchant_shop(admin)
    set_rates(admin, tax_bp=1000)
    s = shop["sku"]
    c = api.client(register(api, "snap@example.com"))
    placed = _place(c, items=lines(**{s["A"]: 1}), shipping_region="N").json()
    admin.put(f"/v1/admin/skus/{s['A']}/price", json={"price_cents": 99}).raise_for_status()
    admin.put("/v1/admin/tax-rates/*", json={"rate_bp": 0}).raise_for_status()
    set_rates(admin, base=10_000)
    r = admin.patch(f"/v1/admin/products/{shop['own']['id']}", json={"name": "Renamed"})
    assert r.status_code == 200, r.text
    again = c.get(f"/v1/orders/{placed['id']}").json()
    assert again == placed
