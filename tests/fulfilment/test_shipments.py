"""Shipments: merged parcels for one buyer, merchant and address only; every refusal a
clear 4xx that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.payment_helpers import outbox_events
from tests.conftest import make_settings, run_api
from tests.fulfilment.helpers import (
    carrier_event,
    move,
    packed_order,
    paid_order,
    post_callback,
    ship,
    shopper,
)
from tests.orders.helpers import address, two_merchant_shop
from transactional_api.fulfillment.completion import complete_due


def _statuses(c, order_id: str) -> dict[str, str]:
    return {x["id"]: x["status"] for x in c.get(f"/v1/orders/{order_id}").json()["sub_orders"]}


def test_sub_orders_of_one_buyer_merchant_and_address_ship_merged(api, admin):
    shop = two_merchant_shop(admin)
    s = shop["sku"]
    c, home = shopper(api, "merge@example.com")
    first = packed_order(admin, c, {s["A"]: 1}, home["id"])
    second = packed_order(admin, c, {s["A"]: 2}, home["id"])
    ids = [first["sub_orders"][0]["id"], second["sub_orders"][0]["id"]]

    groups = admin.get("/v1/admin/shipments/mergeable").json()["groups"]
    assert len(groups) == 1
    group = groups[0]
    assert sorted(group["sub_order_ids"]) == sorted(ids)
    assert group["order_ids"] == sorted([first["id"], second["id"]])
    assert (group["user_id"], group["merchant_id"]) == (first["user_id"], "self-operated")
    assert group["ship_to"]["line1"] == "1 Main St"
    singles = admin.get("/v1/admin/shipments/mergeable", params={"min_size": 1}).json()
    assert len(singles["groups"]) == 1

    r = ship(admin, group["sub_order_ids"])
    assert r.status_code == 201, r.text
    shipment = r.json()
    assert shipment["merged"] and sorted(shipment["sub_order_ids"]) == sorted(ids)
    assert shipment["order_ids"] == sorted([first["id"], second["id"]])
    for order in (first, second):
        track = c.get(f"/v1/orders/{order['id']}/tracking").json()
        assert [x["id"] for x in track["shipments"]] == [shipment["id"]]
        assert track["status"] == "shipped"
    assert admin.get("/v1/admin/shipments/mergeable").json()["groups"] == []
    (event,) = outbox_events(api, "shipment_created")
    assert event["payload"]["merged"] is True and sorted(event["payload"]["sub_order_ids"]) \
        == sorted(ids)

    r = post_callback(api, carrier_event(shipment["tracking_number"], "m-1", "delivered",
                                         datetime.now(UTC)))
    assert r.json() == {"outcome": "applied"}
    for order in (first, second):
        assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "delivered"
    (delivered,) = outbox_events(api, "shipment_delivered")
    assert delivered["payload"]["order_ids"] == sorted([first["id"], second["id"]])


def test_merging_across_buyers_merchants_or_addresses_is_refused(api, admin):
    shop = two_merchant_shop(admin)
    s = shop["sku"]
    c, home = shopper(api, "mine@example.com")
    other, other_home = shopper(api, "theirs@example.com")
    office = address(c, line1="9 Office Park")
    split = packed_order(admin, c, {s["A"]: 1, s["B"]: 1}, home["id"])  # two merchants
    at_office = packed_order(admin, c, {s["A"]: 1}, office["id"])
    theirs = packed_order(admin, other, {s["A"]: 1}, other_home["id"])
    own = next(x["id"] for x in split["sub_orders"] if x["merchant_id"] == "self-operated")
    acme = next(x["id"] for x in split["sub_orders"] if x["merchant_id"] == shop["acme"])
    cases = {
        "merge_merchant_mismatch": [own, acme],
        "merge_address_mismatch": [own, at_office["sub_orders"][0]["id"]],
        "merge_buyer_mismatch": [own, theirs["sub_orders"][0]["id"]],
    }
    for code, ids in cases.items():
        r = ship(admin, ids)
        assert r.status_code == 409 and r.json()["error"]["code"] == code, (code, r.text)
    # Groups list each buyer-merchant-address separately: nothing to merge here.
    assert admin.get("/v1/admin/shipments/mergeable").json()["groups"] == []
    assert len(admin.get("/v1/admin/shipments/mergeable",
                         params={"min_size": 1}).json()["groups"]) == 4
    for order in (split, at_office, theirs):
        assert set(_statuses(admin, order["id"]).values()) == {"packed"}
    assert outbox_events(api, "shipment_created") == []


def test_bad_shipment_requests_get_clear_4xx_and_change_nothing(api, admin):
    shop = two_merchant_shop(admin)
    s = shop["sku"]
    c, home = shopper(api, "bad@example.com")
    packed = packed_order(admin, c, {s["A"]: 1}, home["id"])
    sub = packed["sub_orders"][0]["id"]
    paid = paid_order(c, {s["C"]: 1}, home["id"])
    unpacked = paid["sub_orders"][0]["id"]

    r = ship(admin, [unpacked])
    assert r.status_code == 409 and r.json()["error"]["code"] == "sub_order_not_packed"
    assert r.json()["error"]["details"]["statuses"] == {unpacked: "allocated"}
    r = ship(admin, [sub, "no-such-sub"])
    assert r.status_code == 404 and r.json()["error"]["details"]["sub_order_ids"] == \
        ["no-such-sub"]
    r = ship(admin, [sub], carrier="pigeon")
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_carrier"
    assert ship(admin, [sub, sub]).status_code == 422
    assert ship(admin, []).status_code == 422
    assert ship(admin, [sub], tracking_number="<b>").status_code == 422
    assert admin.post("/v1/admin/shipments", json={"carrier": "sandbox"}).status_code == 422
    assert c.post("/v1/admin/shipments", json={"sub_order_ids": [sub],
                                               "carrier": "sandbox"}).status_code == 403
    assert _statuses(admin, packed["id"]) == {sub: "packed"}

    # paused by an operator: not shipped
    url = f"/v1/admin/sub-orders/{sub}/intercept"
    assert admin.post(url, json={"action": "pause", "reason": "check"}).status_code == 200
    r = ship(admin, [sub])
    assert r.status_code == 409 and r.json()["error"]["code"] == "sub_order_paused"
    assert admin.post(url, json={"action": "resume", "reason": "ok"}).status_code == 200

    assert ship(admin, [sub], tracking_number="TN-1").status_code == 201
    move(admin, unpacked, "picking", "packed")
    r = ship(admin, [unpacked], tracking_number="TN-1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "tracking_number_taken"
    r = ship(admin, [sub])  # shipped already
    assert r.status_code == 409 and r.json()["error"]["code"] == "sub_order_not_packed"
    assert _statuses(admin, paid["id"]) == {unpacked: "packed"}
    assert admin.get("/v1/admin/shipments/no-such").status_code == 404


def test_merged_shipping_delivery_and_completion_on_postgres(tmp_path, redis_server,
                                                            postgres_db):
    for live in run_api(make_settings(tmp_path / "var", redis_server.url,
                                      database_url=postgres_db)):
        with live.client(live.admin_token()) as admin:
            s = two_merchant_shop(admin)["sku"]
            c, home = shopper(live, "pg@example.com")
            orders = [packed_order(admin, c, {s["A"]: 1}, home["id"]) for _ in range(2)]
            (group,) = admin.get("/v1/admin/shipments/mergeable").json()["groups"]
            r = ship(admin, group["sub_order_ids"])
            assert r.status_code == 201 and r.json()["merged"], r.text
            when = datetime.now(UTC)
            body = carrier_event(r.json()["tracking_number"], "pg-1", "delivered", when)
            assert post_callback(live, body).json() == {"outcome": "applied"}
            assert post_callback(live, body).json() == {"outcome": "duplicate"}
            with live.sessions.begin() as session:
                assert complete_due(session, when + timedelta(days=7), days=7) == 2
            with live.sessions.begin() as session:
                assert complete_due(session, when + timedelta(days=7), days=7) == 0
            for order in orders:
                assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "completed"
            c.close()
