"""Two statuses: each sub-order's fulfilment machine, the parent's customer-facing status
derived from them, and the operator's interception before shipping."""

from __future__ import annotations

from tests.api.catalog_helpers import available, pay
from tests.api.payment_helpers import outbox_events
from tests.conftest import register
from tests.orders.helpers import lines, two_merchant_shop


def _move(admin, sub_id: str, to: str):
    return admin.post(f"/v1/admin/sub-orders/{sub_id}/transitions", json={"to": to})


def _paid_split_order(api, admin, email: str):
    shop = two_merchant_shop(admin)
    s = shop["sku"]
    c = api.client(register(api, email))
    r = c.post("/v1/orders", json={"items": lines(**{s["A"]: 2, s["B"]: 1}),
                                   "shipping_region": "N"})
    assert r.status_code == 201, r.text
    order = pay(c, r.json()["id"])
    assert order["status"] == "paid"
    return shop, c, order


def test_the_parent_status_follows_the_least_advanced_sub_order(api, admin):
    shop, c, order = _paid_split_order(api, admin, "status@example.com")
    first, second = order["sub_orders"]
    assert {first["status"], second["status"]} == {"allocated"}
    assert _move(admin, first["id"], "picking").json()["customer_status"] == "preparing"
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"  # second untouched
    for to in ("picking", "packed"):
        assert _move(admin, second["id"], to).status_code == 200
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "preparing"
    for sub, steps in ((first, ("packed", "shipped")), (second, ("shipped",))):
        for to in steps:
            assert _move(admin, sub["id"], to).status_code == 200, to
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "shipped"
    for to in ("delivered", "completed"):
        _move(admin, first["id"], to)
        _move(admin, second["id"], to)
    final = c.get(f"/v1/orders/{order['id']}").json()
    assert final["status"] == "completed" and final["completed_at"] and final["delivered_at"]
    changes = [(e["payload"]["from_status"], e["payload"]["to_status"])
               for e in outbox_events(api, "order_status_changed")
               if e["payload"]["order_id"] == order["id"]]
    assert changes == [("pending_payment", "paid"), ("paid", "preparing"),
                       ("preparing", "shipped"), ("shipped", "delivered"),
                       ("delivered", "completed")]
    per_sub = [e for e in outbox_events(api, "sub_order_status_changed")
               if e["payload"]["order_id"] == order["id"]]
    assert len(per_sub) == 2 * 6  # allocated, picking, packed, shipped, delivered, completed


def test_illegal_sub_order_transitions_answer_409_and_change_nothing(api, admin):
    shop, c, order = _paid_split_order(api, admin, "illegal@example.com")
    sub = order["sub_orders"][0]
    for to in ("packed", "shipped", "delivered", "completed"):
        r = _move(admin, sub["id"], to)
        assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition", to
    assert _move(admin, sub["id"], "bogus").status_code == 422
    assert _move(admin, "no-such-sub", "picking").status_code == 404
    assert c.post(f"/v1/admin/sub-orders/{sub['id']}/transitions",
                  json={"to": "picking"}).status_code == 403  # shoppers cannot
    assert c.get(f"/v1/orders/{order['id']}").json() == order


def test_interception_pauses_resumes_and_cancels_with_a_refund_before_shipping(api, admin):
    shop, c, order = _paid_split_order(api, admin, "breaker@example.com")
    own = next(x for x in order["sub_orders"] if x["merchant_id"] == "self-operated")
    acme = next(x for x in order["sub_orders"] if x["merchant_id"] == shop["acme"])
    url = f"/v1/admin/sub-orders/{own['id']}/intercept"
    r = admin.post(url, json={"action": "pause", "reason": "address looks fraudulent"})
    assert r.status_code == 200, r.text
    r = _move(admin, own["id"], "picking")
    assert r.status_code == 409 and r.json()["error"]["code"] == "sub_order_paused"
    assert admin.post(url, json={"action": "pause", "reason": "again"}).status_code == 409
    assert admin.post(url, json={"action": "resume", "reason": "cleared"}).status_code == 200
    assert _move(admin, own["id"], "picking").status_code == 200
    assert admin.post(url, json={"action": "cancel", "reason": ""}).status_code == 422
    r = admin.post(url, json={"action": "cancel", "reason": "customer called"})
    assert r.status_code == 200, r.text
    after = r.json()
    cancelled = next(x for x in after["sub_orders"] if x["id"] == own["id"])
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "customer called"
    assert after["status"] == "paid"  # Acme's part goes on
    assert available(c, shop["own"]["id"])["A"] == 10  # the two units are back on hand
    hits = [e["payload"] for e in outbox_events(api, "sub_order_intercepted")
            if e["payload"]["sub_order_id"] == own["id"]]
    assert [h["action"] for h in hits] == ["pause", "resume", "cancel"]
    assert hits[-1]["refunded_cents"] == own["total_cents"]
    # shipped goods can no longer be stopped
    for to in ("picking", "packed", "shipped"):
        assert _move(admin, acme["id"], to).status_code == 200
    r = admin.post(f"/v1/admin/sub-orders/{acme['id']}/intercept",
                   json={"action": "cancel", "reason": "too late"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_interceptable"
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "shipped"
    assert admin.get("/v1/admin/stock/ledger-check").json()["consistent"] is True


def test_cancelling_every_sub_order_cancels_the_order(api, admin):
    shop, c, order = _paid_split_order(api, admin, "allgone@example.com")
    for sub in order["sub_orders"]:
        r = admin.post(f"/v1/admin/sub-orders/{sub['id']}/intercept",
                       json={"action": "cancel", "reason": "out of business"})
        assert r.status_code == 200
    final = c.get(f"/v1/orders/{order['id']}").json()
    assert final["status"] == "cancelled" and final["cancelled_at"]
    assert [e["payload"]["order_id"] for e in outbox_events(api, "order_cancelled")].count(
        order["id"]) == 1
