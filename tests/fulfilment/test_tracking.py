"""Carrier callbacks: forged ones refused, replays without effect, late events kept in the
track but never moving a shipment backwards; the shopper sees only their own track."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.api.payment_helpers import outbox_events
from tests.conftest import register
from tests.fulfilment.helpers import carrier_event, packed_order, post_callback, ship, shopper
from tests.orders.helpers import two_merchant_shop
from transactional_api.payments.signing import sign


def _shipped(api, admin, email: str):
    shop = two_merchant_shop(admin)
    c, home = shopper(api, email)
    order = packed_order(admin, c, {shop["sku"]["A"]: 1}, home["id"])
    r = ship(admin, [order["sub_orders"][0]["id"]], tracking_number=f"TN-{email[:5]}")
    assert r.status_code == 201, r.text
    return c, order, r.json()


def test_forged_or_malformed_callbacks_are_refused(api, admin):
    c, order, shipment = _shipped(api, admin, "forged@example.com")
    body = carrier_event(shipment["tracking_number"], "f-1", "delivered", datetime.now(UTC))
    assert post_callback(api, body, secret="not-the-carrier-secret").status_code == 401
    assert post_callback(api, body, secret="").status_code == 401  # no signature
    assert post_callback(api, body, signature="t=1,v1=00").status_code == 401
    # the payment channels' secret is not the carriers'
    assert post_callback(api, body, secret=api.app.state.webhook_secret).status_code == 401
    raw = json.dumps(body).encode()
    tampered = raw.replace(b"f-1", b"f-2")
    r = post_callback(api, tampered, signature=sign(api.app.state.carriers["sandbox"].secret,
                                                    raw))
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
    assert post_callback(api, body, carrier="pigeon").status_code == 404

    for bad in (b"not json", b"[]", json.dumps({**body, "occurred_at": "yesterday"}).encode(),
                json.dumps({**body, "occurred_at": "2026-01-01T00:00:00"}).encode(),
                json.dumps({**body, "event_id": ""}).encode(),
                json.dumps({k: v for k, v in body.items() if k != "status"}).encode()):
        r = post_callback(api, bad)
        assert r.status_code == 422 and r.json()["error"]["code"] == "bad_callback", bad
    r = post_callback(api, {**body, "status": "teleported"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_tracking_status"
    r = post_callback(api, {**body, "tracking_number": "NO-SUCH"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "shipment_not_found"

    track = c.get(f"/v1/orders/{order['id']}/tracking").json()
    assert track["status"] == "shipped" and track["shipments"][0]["events"] == []
    assert outbox_events(api, "tracking_event") == []


def test_replays_and_late_events_never_move_a_shipment_backwards(api, admin):
    c, order, shipment = _shipped(api, admin, "order@example.com")
    tn = shipment["tracking_number"]
    t = datetime.now(UTC).replace(microsecond=0)

    def send(event_id: str, status: str, hours: float) -> str:
        r = post_callback(api, carrier_event(tn, event_id, status, t + timedelta(hours=hours),
                                             location=f"at {hours}h"))
        assert r.status_code == 200, r.text
        return r.json()["outcome"]

    def status() -> str:
        return c.get(f"/v1/orders/{order['id']}/tracking").json()["shipments"][0]["status"]

    assert send("e2", "in_transit", 2) == "applied"
    assert send("e2", "in_transit", 2) == "duplicate"
    assert send("e1", "accepted", 1) == "recorded"  # arrived late: kept, not applied
    assert status() == "in_transit"
    assert send("e5", "exception", 5) == "applied"
    assert send("e4", "out_for_delivery", 4) == "recorded"  # older than the exception
    assert status() == "exception"
    assert send("e6", "in_transit", 6) == "applied"  # the carrier resumed where it was
    assert send("e7", "out_for_delivery", 7) == "applied"
    assert send("e3", "in_transit", 3) == "recorded"
    assert status() == "out_for_delivery"
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "shipped"

    assert send("e9", "delivered", 9) == "applied"
    assert send("e9", "delivered", 9) == "duplicate"
    assert send("e10", "exception", 10) == "recorded"  # nothing moves a delivered parcel
    assert send("e8", "out_for_delivery", 8) == "recorded"
    assert status() == "delivered"

    track = c.get(f"/v1/orders/{order['id']}/tracking").json()
    assert track["status"] == "delivered"
    events = track["shipments"][0]["events"]
    assert [e["location"] for e in events] == [f"at {h}h" for h in range(1, 11)]  # time order
    assert [e["applied"] for e in events] == [False, True, False, False, True, True, True,
                                              False, True, False]
    sub = c.get(f"/v1/orders/{order['id']}").json()["sub_orders"][0]
    assert sub["status"] == "delivered"
    assert datetime.fromisoformat(sub["delivered_at"]) == t + timedelta(hours=9)

    tracked = outbox_events(api, "tracking_event")
    assert len(tracked) == 10  # each distinct carrier event once, replays never
    assert len({e["payload"]["carrier_event_id"] for e in tracked}) == 10
    assert len(outbox_events(api, "shipment_delivered")) == 1
    moves = [e for e in outbox_events(api, "sub_order_status_changed")
             if e["payload"]["to_status"] == "delivered"]
    assert len(moves) == 1


def test_the_shopper_sees_their_own_track_and_nobody_elses(api, admin):
    c, order, shipment = _shipped(api, admin, "owner@example.com")
    post_callback(api, carrier_event(shipment["tracking_number"], "o-1", "accepted",
                                     datetime.now(UTC), location="<b>Hub</b>"))
    mine = c.get(f"/v1/orders/{order['id']}/tracking")
    assert mine.status_code == 200
    (parcel,) = mine.json()["shipments"]
    assert (parcel["carrier"], parcel["tracking_number"], parcel["status"]) == \
        ("sandbox", shipment["tracking_number"], "accepted")
    assert parcel["events"][0]["location"] == "<b>Hub</b>"  # JSON carries text as given
    assert admin.get(f"/v1/orders/{order['id']}/tracking").json() == mine.json()

    stranger = api.client(register(api, "stranger@example.com"))
    r = stranger.get(f"/v1/orders/{order['id']}/tracking")
    assert r.status_code == 404
    assert c.get("/v1/orders/no-such-order/tracking").status_code == 404
    with api.client() as anonymous:
        assert anonymous.get(f"/v1/orders/{order['id']}/tracking").status_code == 401
