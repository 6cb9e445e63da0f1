"""Refund only, before the goods ship: units cancelled and back on hand, their paid amount
refunded through the original channel, shipping too once the whole sub-order is refunded."""

from __future__ import annotations

from tests.aftersales.helpers import (
    captured,
    decide,
    events,
    ledger_consistent,
    open_request,
    paid_order,
    refunded,
    status,
    stock_of,
)


def test_refund_only_in_two_parts_refunds_exactly_what_was_paid(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "refund-only@example.com")
    a = shop["sku"]["A"]
    # the hand computation: A 3 x 1250 = 3750, tax 8.25% = 309, 2100 g ships for 1100
    assert (own["subtotal_cents"], own["tax_cents"], own["shipping_cents"],
            own["total_cents"]) == (3750, 309, 1100, 5159)
    assert stock_of(c, shop["own"]["id"], "A") == 7

    r = open_request(c, order["id"], own["id"], "refund_only", {a: 2}, "no_longer_needed")
    assert r.status_code == 201, r.text
    req = r.json()
    assert (req["status"], req["requested_cents"]) == ("requested", 2706)
    assert status(c, order["id"]) == "after_sales"
    sub = next(s for s in c.get(f"/v1/orders/{order['id']}").json()["sub_orders"]
               if s["id"] == own["id"])
    assert (sub["status"], sub["customer_status"]) == ("allocated", "after_sales")
    listed = c.get(f"/v1/orders/{order['id']}/after-sales").json()["items"]
    assert [x["id"] for x in listed] == [req["id"]]

    r = decide(admin, req["id"])
    assert r.status_code == 200, r.text
    done = r.json()
    # 2 of 3 units: goods 3750 * 2 // 3 = 2500, tax 309 * 2 // 3 = 206; no shipping
    assert (done["status"], done["resolution"], done["refunded_cents"]) == (
        "closed", "refunded", 2706)
    assert done["refund_id"] and done["lines"][0]["settled_quantity"] == 2
    assert refunded(api, order["id"]) == 2706
    assert status(c, order["id"]) == "paid"  # back once the request closed
    assert stock_of(c, shop["own"]["id"], "A") == 9  # the two cancelled units are back

    # the last unit: the whole sub-order is now refunded, so its shipping is too
    over = open_request(c, order["id"], own["id"], "refund_only", {a: 2})
    assert over.status_code == 409 and over.json()["error"]["code"] == \
        "quantity_exceeds_purchased"
    assert over.json()["error"]["details"]["available"] == {a: 1}
    req2 = open_request(c, order["id"], own["id"], "refund_only", {a: 1}).json()
    done2 = decide(admin, req2["id"]).json()
    assert done2["refunded_cents"] == 1250 + 103 + 1100  # the rest of goods and tax, shipping
    assert refunded(api, order["id"]) == own["total_cents"]
    after = c.get(f"/v1/orders/{order['id']}").json()
    cancelled = next(s for s in after["sub_orders"] if s["id"] == own["id"])
    assert cancelled["status"] == "cancelled" and after["status"] == "paid"  # Acme's goes on
    assert stock_of(c, shop["own"]["id"], "A") == 10
    assert captured(api, order["id"]) == (order["total_cents"], own["total_cents"])
    assert ledger_consistent(admin)

    money = events(api, "after_sales_refunded")
    assert [(m["amount_cents"], m["shipping_cents"], m["currency"]) for m in money] == [
        (2706, 0, "USD"), (2453, 1100, "USD")]
    closed = events(api, "after_sales_closed", req["id"])
    assert closed[0]["resolution"] == "refunded" and closed[0]["refunded_cents"] == 2706
    assert closed[0]["opened_at"] and closed[0]["reason_code"] == "no_longer_needed"
    for kind in ("after_sales_requested", "after_sales_decided", "after_sales_closed"):
        assert len(events(api, kind)) == 2, kind
    changes = [(e["from_status"], e["to_status"]) for e in events(api, "order_status_changed")
               if e["order_id"] == order["id"]]
    assert changes[-4:] == [("paid", "after_sales"), ("after_sales", "paid")] * 2


def test_refund_only_after_shipping_is_refused(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "late-refund@example.com")
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 200
    r = open_request(c, order["id"], own["id"], "refund_only", {shop["sku"]["A"]: 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_before_shipping"
    assert status(c, order["id"]) == "shipped"
    assert c.get(f"/v1/orders/{order['id']}/after-sales").json()["items"] == []


def test_goods_that_ship_before_the_decision_cannot_be_refunded_only(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "raced@example.com")
    req = open_request(c, order["id"], own["id"], "refund_only", {shop["sku"]["A"]: 1}).json()
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 200
    r = decide(admin, req["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_before_shipping"
    assert c.get(f"/v1/after-sales/{req['id']}").json()["status"] == "requested"
    assert refunded(api, order["id"]) == 0
    assert stock_of(c, shop["own"]["id"], "A") == 7  # nothing came back
    assert status(c, order["id"]) == "after_sales"
    r = decide(admin, req["id"], "reject", "already shipped: return it instead")
    assert r.status_code == 200 and r.json()["resolution"] == "rejected"
    assert status(c, order["id"]) == "shipped"


def test_rejected_and_withdrawn_requests_close_and_free_their_units(api, admin):
    shop, c, order, own, acme = paid_order(api, admin, "reject@example.com")
    a = shop["sku"]["A"]
    req = open_request(c, order["id"], own["id"], "refund_only", {a: 3}, "other",
                       note="changed my mind").json()
    r = decide(admin, req["id"], "reject", "custom engraving cannot be refunded")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["resolution"], body["decision_reason"]) == (
        "closed", "rejected", "custom engraving cannot be refunded")
    assert status(c, order["id"]) == "paid" and refunded(api, order["id"]) == 0
    decided = events(api, "after_sales_decided", req["id"])
    assert [(d["decision"], d["reason"]) for d in decided] == [
        ("reject", "custom engraving cannot be refunded")]
    # the units are free again: a new request for all three is accepted, then withdrawn
    again = open_request(c, order["id"], own["id"], "refund_only", {a: 3}).json()
    r = c.post(f"/v1/after-sales/{again['id']}/withdraw")
    assert r.status_code == 200 and r.json()["resolution"] == "withdrawn"
    assert c.post(f"/v1/after-sales/{again['id']}/withdraw").status_code == 409
    assert status(c, order["id"]) == "paid"
    assert stock_of(c, shop["own"]["id"], "A") == 7
