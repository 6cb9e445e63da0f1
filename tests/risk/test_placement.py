"""Order placement under the rules: a block writes nothing but its decision, a challenge
places the order held for review (unpayable until approved), allows go through timed."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.risk.conftest import (
    ADDRESS,
    available,
    decisions,
    device,
    events,
    place,
    product_sku,
    shopper,
)
from transactional_api.orders.models import Order
from transactional_api.risk.limits import Limit


def test_device_velocity_challenges_then_blocks_and_a_block_writes_nothing(risk_api):
    api = risk_api(per_device_hour=Limit(challenge_at=2, block_at=3))
    product, sku = product_sku(api)
    c = shopper(api, **device())
    first = place(c, sku)
    assert first.status_code == 201 and not any(s["paused"] for s in first.json()["sub_orders"])
    held = place(c, sku)
    assert held.status_code == 201, held.text
    assert all(s["paused"] and s["hold_reason"] == "risk_review"
               for s in held.json()["sub_orders"])
    stock_before = available(c, product)
    blocked = place(c, sku)
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "risk_blocked"
    assert "velocity" not in blocked.text  # the shopper is never told which rule
    # nothing of the refused order: no order row, no stock held, no order event
    with api.sessions() as s:
        assert s.scalar(select(Order.id).where(Order.id.notin_(
            [first.json()["id"], held.json()["id"]]))) is None
    assert available(c, product) == stock_before
    assert len(events(api, "order_created")) == 2
    # the decisions, with their reasons, as rows and outbox events
    got = [(d.action, d.outcome, d.reasons) for d in decisions(api)]
    assert got == [("place_order", "challenge", ["velocity_device"]),
                   ("place_order", "block", ["velocity_device"])]
    made = events(api, "risk_decision_made")
    assert [(e["payload"]["outcome"], e["payload"]["reasons"]) for e in made] == \
        [("challenge", ["velocity_device"]), ("block", ["velocity_device"])]
    assert made[0]["payload"]["order_id"] == held.json()["id"]
    assert made[1]["payload"]["order_id"] is None


def test_a_held_order_cannot_be_paid_until_approved(risk_api):
    api = risk_api(new_account_large_order_cents=5000)
    _, sku = product_sku(api, price_cents=6000)
    c = shopper(api)
    held = place(c, sku).json()
    assert held["status"] == "pending_payment"
    r = c.post(f"/v1/orders/{held['id']}/payments", json={"channel": "sandbox"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "risk_review_pending"
    with api.client(api.admin_token()) as admin:
        # fulfilment cannot move it either
        sub = held["sub_orders"][0]["id"]
        t = admin.post(f"/v1/admin/sub-orders/{sub}/transitions", json={"to": "picking"})
        assert t.status_code == 409
        queue = admin.get("/v1/admin/risk/reviews").json()
        review = next(x for x in queue["items"] if x["order_id"] == held["id"])
        assert review["reasons"] == ["new_account_large_order"]
        assert review["total_cents"] == held["total_cents"]
        ok = admin.post(f"/v1/admin/risk/reviews/{review['id']}/approve")
        assert ok.status_code == 200 and ok.json()["status"] == "approved"
    order = c.get(f"/v1/orders/{held['id']}").json()
    assert not any(s["paused"] for s in order["sub_orders"])
    paid = c.post(f"/v1/orders/{held['id']}/payments",
                  json={"channel": "sandbox", "sandbox_outcome": "succeed"})
    assert paid.status_code == 202, paid.text


def test_a_small_order_of_a_new_account_is_not_held(risk_api):
    api = risk_api(new_account_large_order_cents=5000)
    _, sku = product_sku(api, price_cents=4000)
    order = place(shopper(api), sku).json()
    assert not any(s["paused"] for s in order["sub_orders"])
    assert decisions(api) == []


def test_rejecting_cancels_the_order_and_releases_its_stock(risk_api):
    api = risk_api(new_account_large_order_cents=5000)
    product, sku = product_sku(api, price_cents=3000, stock=5)
    c = shopper(api)
    held = place(c, sku, quantity=2).json()
    assert available(c, product) == 3
    with api.client(api.admin_token()) as admin:
        review = admin.get("/v1/admin/risk/reviews").json()["items"][0]
        r = admin.post(f"/v1/admin/risk/reviews/{review['id']}/reject",
                       json={"note": "three accounts, one flat"})
        assert r.status_code == 200 and r.json()["note"] == "three accounts, one flat"
        again = admin.post(f"/v1/admin/risk/reviews/{review['id']}/reject")
        assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
        other = admin.post(f"/v1/admin/risk/reviews/{review['id']}/approve")
        assert other.status_code == 409 and other.json()["error"]["code"] == "review_decided"
        assert admin.get("/v1/admin/risk/reviews").json()["total"] == 0
    order = c.get(f"/v1/orders/{held['id']}").json()
    assert order["status"] == "cancelled" and order["cancel_reason"] == "risk_rejected"
    assert available(c, product) == 5
    verdicts = events(api, "risk_review_decided")
    assert [e["payload"]["verdict"] for e in verdicts] == ["rejected"]


def test_many_accounts_behind_one_address_are_held(risk_api):
    api = risk_api(users_per_address=Limit(challenge_at=3, block_at=0))
    _, sku = product_sku(api)
    outcomes = []
    for i in range(4):
        c = shopper(api)
        # the same flat, typed a little differently each time
        addr = c.post("/v1/me/addresses", json={**ADDRESS, "name": f"Name {i}",
                                                "line1": "1 MAIN st" if i % 2 else "1 Main St"})
        assert addr.status_code == 201, addr.text
        order = place(c, sku, address_id=addr.json()["id"]).json()
        outcomes.append(any(s["paused"] for s in order["sub_orders"]))
    assert outcomes == [False, False, True, True]
    assert {tuple(d.reasons) for d in decisions(api)} == {("users_per_address",)}


def test_placement_reports_its_check_times(risk_api):
    api = risk_api()
    _, sku = product_sku(api)
    r = place(shopper(api), sku)
    m = re.fullmatch(r"risk;dur=([0-9.]+), audience;dur=([0-9.]+)", r.headers["Server-Timing"])
    assert m and float(m.group(1)) > 0
    # a replayed idempotent placement checks nothing again
    c = shopper(api)
    a = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]},
        headers={"Idempotency-Key": "k1"})
    b = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]},
               headers={"Idempotency-Key": "k1"})
    assert a.status_code == 201 and b.status_code == 200
    assert "Server-Timing" in a.headers and "Server-Timing" not in b.headers
