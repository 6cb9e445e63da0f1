"""Bundles, pre-sale, virtual goods, several locations, timed holds, safety stock,
stock-takes and returns, through the HTTP API."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.catalog_helpers import available, category, pay, product, sku
from tests.api.payment_helpers import outbox_events
from tests.conftest import make_settings, register, run_api


def _order(c, lines: dict[str, int], **extra):
    return c.post("/v1/orders", json={"items": [{"sku_id": s, "quantity": q}
                                                for s, q in lines.items()], **extra})


def test_bundle_is_limited_by_its_scarcest_component_and_takes_their_stock(api, admin):
    cat = category(admin)
    parts = product(admin, cat, [sku("CAM", stock=5), sku("BAT", stock=7)])
    cam, bat = (s["id"] for s in sorted(parts["skus"], key=lambda s: s["code"] != "CAM"))
    kit = product(admin, cat, [sku("KIT", kind="bundle", components=[
        {"sku_id": cam, "quantity": 1}, {"sku_id": bat, "quantity": 2}])])
    kit_id = kit["skus"][0]["id"]
    c = api.client(register(api, "kit@example.com"))
    assert available(c, kit["id"]) == {"KIT": 3}  # 7 batteries make 3 kits, not 5
    r = _order(c, {kit_id: 2, bat: 2})  # two lines drawing on the batteries
    assert r.status_code == 201, r.text
    assert available(c, parts["id"]) == {"CAM": 3, "BAT": 1}
    assert available(c, kit["id"]) == {"KIT": 0}
    r = _order(c, {kit_id: 1})
    assert r.status_code == 409 and r.json()["error"]["details"]["sku_ids"] == [kit_id]
    assert pay(c, _order_id := c.get("/v1/orders").json()["items"][0]["id"])["status"] == "paid"
    levels = admin.get("/v1/admin/stock", params={"sku_id": [cam, bat]}).json()
    assert {(x["sku_id"], x["on_hand"], x["reserved"]) for x in levels} == {
        (cam, 3, 0), (bat, 1, 0)}  # deducted on payment
    back = admin.post(f"/v1/admin/orders/{_order_id}/returns",
                      json={"sku_id": kit_id, "quantity": 1})
    assert back.status_code == 200, back.text
    assert available(c, parts["id"]) == {"CAM": 4, "BAT": 3}  # a kit comes back as parts
    too_many = admin.post(f"/v1/admin/orders/{_order_id}/returns",
                          json={"sku_id": kit_id, "quantity": 2})
    assert too_many.status_code == 409
    assert admin.get("/v1/admin/stock/ledger-check").json() == {"consistent": True,
                                                                 "mismatches": []}


def test_allocation_prefers_one_location_serving_the_region_and_splits_only_when_it_must(
        api, admin):
    wh = {}
    for code, regions, priority in (("north", ["N"], 10), ("south", ["S"], 10),
                                    ("hub", ["N", "S"], 50)):
        r = admin.post("/v1/admin/warehouses", json={"code": code, "name": code,
                                                     "regions": regions, "priority": priority})
        assert r.status_code == 201
        wh[code] = r.json()["id"]
    cat = category(admin)
    p = product(admin, cat, [sku("X"), sku("Y")])
    x, y = (s["id"] for s in sorted(p["skus"], key=lambda s: s["code"]))
    for s_id, w, q in ((x, "north", 2), (y, "north", 1), (x, "hub", 5), (y, "hub", 5),
                       (x, "south", 1)):
        assert admin.post("/v1/admin/stock/receipts", json={
            "sku_id": s_id, "warehouse_id": wh[w], "quantity": q}).status_code == 201
    c = api.client(register(api, "alloc@example.com"))

    def held(order_id: str) -> set:
        return {(e["payload"]["sku_id"], e["payload"]["warehouse_id"],
                 e["payload"]["reserved_delta"])
                for e in outbox_events(api, "stock_moved")
                if e["payload"]["order_id"] == order_id}

    one = _order(c, {x: 2, y: 1}, shipping_region="N").json()
    assert held(one["id"]) == {(x, wh["north"], 2), (y, wh["north"], 1)}  # one parcel
    two = _order(c, {x: 2, y: 1}, shipping_region="N").json()
    assert held(two["id"]) == {(x, wh["hub"], 2), (y, wh["hub"], 1)}  # north is empty now
    three = _order(c, {x: 4}, shipping_region="S").json()  # hub 3 + south 1: must split
    assert held(three["id"]) == {(x, wh["hub"], 3), (x, wh["south"], 1)}
    r = _order(c, {x: 1}, shipping_region="N")  # only north and hub serve N: both empty
    assert r.status_code == 409 and r.json()["error"]["code"] == "out_of_stock"


def test_expired_holds_return_stock_even_if_no_process_sweeps(tmp_path, redis_server):
    settings = make_settings(tmp_path / "var", redis_server.url, simulated_clock=True,
                             order_payment_timeout_seconds=600)
    for live in run_api(settings):
        with live.client(live.admin_token()) as admin:
            p = product(admin, category(admin), [sku("HOLD", stock=2)])
        sku_id = p["skus"][0]["id"]
        first = live.client(register(live, "h1@example.com"))
        second = live.client(register(live, "h2@example.com"))
        order = _order(first, {sku_id: 2}).json()
        assert available(first, p["id"]) == {"HOLD": 0}
        assert _order(second, {sku_id: 1}).status_code == 409
        later = {"X-Flywheel-Clock": (date.today() + timedelta(days=400)).isoformat()
                 + "T00:00:00Z"}
        # no sweeper runs in this API: the next checkout finds the lapsed hold itself
        r = second.post("/v1/orders", json={"items": [{"sku_id": sku_id, "quantity": 2}]},
                        headers=later)
        assert r.status_code == 201, r.text
        expired = [e for e in outbox_events(live, "stock_moved")
                   if e["payload"]["reason"] == "expired"]
        assert [(e["payload"]["order_id"], e["payload"]["reserved_delta"])
                for e in expired] == [(order["id"], -2)]
        paid_late = pay(first, order["id"])  # the first shopper's money arrives too late
        assert paid_late["status"] in ("pending_payment", "cancelled")


def test_presale_takes_orders_up_to_its_quota_and_allocates_from_the_ship_date(api, admin):
    ship = (date.today() - timedelta(days=1)).isoformat()
    p = product(admin, category(admin), [sku("PRE", kind="presale",
                                             presale={"quota": 3, "ship_from_date": ship})])
    pre = p["skus"][0]["id"]
    c = api.client(register(api, "pre@example.com"))
    assert p["skus"][0]["presale"]["remaining"] == 3 and available(c, p["id"]) == {"PRE": 3}
    first = _order(c, {pre: 2}).json()
    r = _order(c, {pre: 2})
    assert r.status_code == 409 and r.json()["error"]["code"] == "presale_sold_out"
    assert pay(c, first["id"])["status"] == "paid"
    # no stock yet: the paid line waits (backordered) instead of failing
    assert admin.post("/v1/admin/stock/allocate-presales").json() == {"count": 0}
    admin.post("/v1/admin/stock/receipts", json={"sku_id": pre, "warehouse_id": "default",
                                                 "quantity": 5})
    assert admin.post("/v1/admin/stock/allocate-presales").json() == {"count": 1}
    level = admin.get("/v1/admin/stock", params={"sku_id": pre}).json()[0]
    assert (level["on_hand"], level["reserved"]) == (3, 0)
    assert [e["payload"]["quantity"] for e in outbox_events(api, "presale_allocated")] == [2]
    cancelled = c.post(f"/v1/orders/{_order(c, {pre: 1}).json()['id']}/cancel")
    assert cancelled.status_code == 200 and available(c, p["id"]) == {"PRE": 1}


def test_virtual_goods_are_fulfilled_on_payment_and_refunded_when_the_supplier_fails(
        api, admin):
    cat = category(admin)
    p = product(admin, cat, [sku("TOPUP-10", kind="virtual", price_cents=1000)])
    shirt = product(admin, cat, [sku("SHIRT", stock=3, price_cents=1500)], name="Shirt")
    topup, shirt_id = p["skus"][0]["id"], shirt["skus"][0]["id"]
    c = api.client(register(api, "virt@example.com"))
    assert available(c, p["id"]) == {"TOPUP-10": None}  # not limited by stock
    r = _order(c, {topup: 1})
    assert r.status_code == 422 and r.json()["error"]["code"] == "recipient_required"
    r = c.post("/v1/orders", json={"items": [{"sku_id": shirt_id, "quantity": 1,
                                              "recipient": "+5511999990000"}]})
    assert r.json()["error"]["code"] == "recipient_not_allowed"
    ok = c.post("/v1/orders", json={"items": [{"sku_id": topup, "quantity": 2,
                                               "recipient": "+5511999990000"}]}).json()
    assert pay(c, ok["id"])["items"][0]["fulfilment_status"] == "fulfilled"
    bad = c.post("/v1/orders", json={"items": [
        {"sku_id": topup, "quantity": 1, "recipient": "fail-0000"},
        {"sku_id": shirt_id, "quantity": 1}]}).json()
    done = pay(c, bad["id"])
    lines = {i["sku_id"]: i["fulfilment_status"] for i in done["items"]}
    assert lines == {topup: "failed", shirt_id: None}
    owed = outbox_events(api, "payment_refund_due")
    assert [(e["payload"]["order_id"], e["payload"]["amount_cents"], e["payload"]["reason"])
            for e in owed] == [(bad["id"], 1000, "virtual_fulfilment_failed")]
    statuses = sorted(e["payload"]["status"] for e in outbox_events(api, "virtual_fulfilment"))
    assert statuses == ["failed", "fulfilled"]
    r = admin.post(f"/v1/admin/orders/{ok['id']}/returns", json={"sku_id": topup,
                                                                 "quantity": 1})
    assert r.status_code == 422  # no return flow for virtual goods


def test_safety_stock_alerts_and_stocktakes_recorded_as_movements(api, admin):
    p = product(admin, category(admin), [sku("LOW", stock=6)])
    s_id = p["skus"][0]["id"]
    r = admin.put(f"/v1/admin/stock/{s_id}/default/safety-stock", json={"safety_stock": 4})
    assert r.status_code == 200 and admin.get("/v1/admin/stock/alerts").json() == []
    c = api.client(register(api, "low@example.com"))
    assert _order(c, {s_id: 2}).status_code == 201  # 6 -> 4 sellable: at the threshold
    alerts = admin.get("/v1/admin/stock/alerts").json()
    assert [(a["sku_id"], a["sellable"], a["safety_stock"]) for a in alerts] == [(s_id, 4, 4)]
    assert [e["payload"]["sellable"] for e in outbox_events(api, "stock_low")] == [4]
    assert _order(c, {s_id: 1}).status_code == 201  # already low: no second alert
    assert len(outbox_events(api, "stock_low")) == 1
    r = admin.post("/v1/admin/warehouses/default/stocktakes",
                   json={"counts": [{"sku_id": s_id, "counted": 2}]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "count_below_reserved"
    r = admin.post("/v1/admin/warehouses/default/stocktakes",
                   json={"counts": [{"sku_id": s_id, "counted": 5}], "note": "shelf count"})
    assert r.json() == [{"sku_id": s_id, "counted": 5, "difference": -1}]
    level = admin.get("/v1/admin/stock", params={"sku_id": s_id}).json()[0]
    assert (level["on_hand"], level["reserved"], level["sellable"]) == (5, 3, 2)
    reasons = [e["payload"]["reason"] for e in outbox_events(api, "stock_moved")]
    assert reasons == ["initial", "reserved", "reserved", "stocktake"]
    assert admin.get("/v1/admin/stock/ledger-check").json()["consistent"] is True
    for bad in ({"counts": []}, {"counts": [{"sku_id": s_id, "counted": -1}]}):
        assert admin.post("/v1/admin/warehouses/default/stocktakes",
                          json=bad).status_code == 422
    assert admin.post("/v1/admin/warehouses/nowhere/stocktakes", json={
        "counts": [{"sku_id": s_id, "counted": 1}]}).status_code == 404
