"""Ship, track, deliver and complete: the sandbox carrier on the shop clock, and automatic
completion that waits for after-sales and runs once even when two workers race."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from tests.api.payment_helpers import outbox_events
from tests.fulfilment.helpers import carrier_event, packed_order, post_callback, ship, shopper
from tests.orders.helpers import two_merchant_shop
from transactional_api.fulfillment import jobs
from transactional_api.fulfillment.completion import complete_due
from transactional_api.fulfillment.sandbox_carrier import plan
from transactional_api.orders.models import SubOrder


def _at(when: datetime) -> dict[str, str]:
    return {"X-Flywheel-Clock": when.isoformat()}


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_ship_track_deliver_and_complete_on_the_shop_clock(sim_api):
    api = sim_api
    admin = api.client(api.admin_token())
    shop = two_merchant_shop(admin)
    s = shop["sku"]
    c, home = shopper(api, "track@example.com")
    order = packed_order(admin, c, {s["A"]: 1, s["B"]: 1}, home["id"])
    assert order["status"] == "preparing"
    own = next(x for x in order["sub_orders"] if x["merchant_id"] == "self-operated")
    acme = next(x for x in order["sub_orders"] if x["merchant_id"] == shop["acme"])
    t0 = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)

    r1 = admin.post("/v1/admin/shipments", headers=_at(t0),
                    json={"sub_order_ids": [own["id"]], "carrier": "sandbox"})
    r2 = admin.post("/v1/admin/shipments", headers=_at(t0), json={
        "sub_order_ids": [acme["id"]], "carrier": "sandbox", "tracking_number": "ACME-0001"})
    assert r1.status_code == 201 and r2.status_code == 201, (r1.text, r2.text)
    first, second = r1.json(), r2.json()
    assert first["tracking_number"].startswith("SBX") and second["tracking_number"] == "ACME-0001"
    assert not first["merged"] and first["status"] == "label_created"
    assert _ts(first["shipped_at"]) == t0 and first["order_ids"] == [order["id"]]
    now = c.get(f"/v1/orders/{order['id']}").json()
    assert now["status"] == "shipped" and _ts(now["shipped_at"]) == t0
    assert {x["status"] for x in now["sub_orders"]} == {"shipped"}

    track = c.get(f"/v1/orders/{order['id']}/tracking").json()
    assert {x["tracking_number"] for x in track["shipments"]} == \
        {first["tracking_number"], "ACME-0001"}
    assert all(x["events"] == [] for x in track["shipments"])

    url = "/v1/admin/fulfilment/carriers/sandbox/deliver-due"
    assert admin.post(url, headers=_at(t0 + timedelta(minutes=30))).json()["delivered"] == 0
    plans = {tn: plan(tn, start=t0, transit_hours=api.settings.sandbox_carrier_transit_hours,
                      region="N", city="Springfield")
             for tn in (first["tracking_number"], "ACME-0001")}
    r = admin.post(url, headers=_at(t0 + timedelta(days=3)))
    assert r.json()["delivered"] == sum(len(p) for p in plans.values())
    assert admin.post(url, headers=_at(t0 + timedelta(days=3))).json()["delivered"] == 0

    track = c.get(f"/v1/orders/{order['id']}/tracking").json()
    assert track["status"] == "delivered"
    for shipment in track["shipments"]:
        expected = plans[shipment["tracking_number"]]
        assert shipment["status"] == "delivered"
        assert [(e["status"], _ts(e["occurred_at"])) for e in shipment["events"]] == \
            [(e.status, e.occurred_at) for e in expected]
        assert _ts(shipment["delivered_at"]) == expected[-1].occurred_at
    delivered = {x["id"]: _ts(x["delivered_at"])
                 for x in c.get(f"/v1/orders/{order['id']}").json()["sub_orders"]}

    done = "/v1/admin/fulfilment/complete-due"
    early = min(delivered.values()) + timedelta(days=7) - timedelta(minutes=1)
    assert admin.post(done, headers=_at(early)).json()["completed"] == 0
    late = max(delivered.values()) + timedelta(days=7)
    assert admin.post(done, headers=_at(late)).json()["completed"] == 2
    assert admin.post(done, headers=_at(late)).json()["completed"] == 0
    final = c.get(f"/v1/orders/{order['id']}").json()
    assert final["status"] == "completed" and _ts(final["completed_at"]) == late

    created = [e["payload"] for e in outbox_events(api, "shipment_created")]
    assert sorted((p["tracking_number"], p["merged"], p["sub_order_ids"][0]) for p in created) \
        == sorted([(first["tracking_number"], False, own["id"]), ("ACME-0001", False, acme["id"])])
    tracked = outbox_events(api, "tracking_event")
    assert len(tracked) == sum(len(p) for p in plans.values())
    assert all(e["payload"]["applied"] for e in tracked)
    assert len(outbox_events(api, "shipment_delivered")) == 2
    auto = [e for e in outbox_events(api, "sub_order_status_changed")
            if e["payload"]["reason"] == "auto_complete"]
    assert sorted(e["payload"]["sub_order_id"] for e in auto) == sorted(delivered)
    admin.close()
    c.close()


def _delivered_order(api, admin, shop, email: str, days_ago: float) -> dict:
    """A two-merchant order whose parcels the carrier delivered ``days_ago``."""
    s = shop["sku"]
    c, home = shopper(api, email)
    order = packed_order(admin, c, {s["A"]: 1, s["B"]: 1}, home["id"])
    when = datetime.now(UTC) - timedelta(days=days_ago)
    for sub in order["sub_orders"]:
        tn = ship(admin, [sub["id"]]).json()["tracking_number"]
        r = post_callback(api, carrier_event(tn, f"{tn}-d", "delivered", when))
        assert r.json() == {"outcome": "applied"}
    order = c.get(f"/v1/orders/{order['id']}").json()
    assert order["status"] == "delivered"
    return order


def test_auto_complete_waits_for_after_sales_and_runs_once_under_two_workers(api, admin):
    shop = two_merchant_shop(admin)
    order = _delivered_order(api, admin, shop, "aftersales@example.com", days_ago=8)
    held, free = order["sub_orders"]
    with api.sessions.begin() as s:  # after-sales opens on one (its own module sets this)
        s.execute(update(SubOrder).where(SubOrder.id == held["id"])
                  .values(after_sales_open=True))
    now = datetime.now(UTC)
    with api.sessions.begin() as s:
        assert complete_due(s, now - timedelta(days=2), days=7) == 0  # not yet 7 days
    with api.sessions.begin() as s:
        assert complete_due(s, now, days=7) == 1
    with api.sessions() as s:
        status = dict(s.execute(select(SubOrder.id, SubOrder.status)
                                .where(SubOrder.order_id == order["id"])).all())
    assert status == {held["id"]: "delivered", free["id"]: "completed"}

    with api.sessions.begin() as s:  # after-sales closed: the job may complete it now
        s.execute(update(SubOrder).where(SubOrder.id == held["id"])
                  .values(after_sales_open=False))
    others = [_delivered_order(api, admin, shop, f"race{i}@example.com", days_ago=9)
              for i in range(3)]
    results: list[int] = []
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        results.append(jobs.auto_complete(api.sessions, days=7))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 1 + 2 * len(others)
    auto = [e["payload"]["sub_order_id"] for e in outbox_events(api, "sub_order_status_changed")
            if e["payload"]["reason"] == "auto_complete"]
    assert len(auto) == len(set(auto)) == 2 + 2 * len(others)
    for o in [order, *others]:
        assert admin.get(f"/v1/orders/{o['id']}").json()["status"] == "completed"
