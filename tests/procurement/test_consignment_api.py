"""Consignment: a paid order's consignment sub-order is pushed to its supplier once (a
failed push retried with backoff), and the supplier's signed tracking callback ships it so
the shopper sees the track; forged callbacks are 401, repeats harmless."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.api.payment_helpers import outbox_events
from tests.conftest import make_settings, run_api
from tests.fulfilment.helpers import paid_order, shopper
from tests.procurement.helpers import contract, skus, supplier
from transactional_api.procurement import consignment
from transactional_api.procurement.jobs import client_of
from transactional_api.procurement.sandbox_supplier import callback_secret, signed_tracking


@pytest.fixture
def api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     procurement_interval_seconds=0,
                                     procurement_sandbox_failures=1))


@pytest.fixture
def admin(api):
    with api.client(api.admin_token()) as c:
        yield c


def _callback(api, body: bytes, headers: dict):
    with api.client() as c:
        return c.post("/v1/supplier-callbacks/tracking", content=body, headers=headers)


def _secret(api) -> str:
    state = api.app.state
    return callback_secret(state.settings.procurement_supplier_secret, state.webhook_secret)


def test_push_fails_is_retried_then_the_signed_callback_ships(api, admin):
    s = supplier(admin, "Drop Ship Co")
    consigned, stocked = skus(admin, "CONS", n=2, stock=20)
    contract(admin, s["id"], consigned, supply_mode="consignment")
    contract(admin, s["id"], stocked)  # stocked: never pushed
    c, home = shopper(api, "consign@example.com")
    order = paid_order(c, {consigned: 2}, home["id"])
    plain = paid_order(c, {stocked: 1}, home["id"])
    (sub,) = order["sub_orders"]

    first = admin.post("/v1/admin/procurement/run").json()
    assert first == {"created": 1, "pushed": 0, "failed": 1}  # the sandbox refuses once
    (push,) = admin.get("/v1/admin/procurement/pushes").json()
    assert (push["sub_order_id"], push["status"], push["attempts"]) == (sub["id"], "pending", 1)
    assert push["lines"][0]["sku_id"] == consigned and push["lines"][0]["quantity"] == 2
    assert push["last_error"]
    # not due again yet, and the replayed order_paid creates nothing twice
    assert admin.post("/v1/admin/procurement/run").json() == {
        "created": 0, "pushed": 0, "failed": 0}
    with api.sessions() as session:
        from transactional_api.orders.service import get_order
        record = {"payload": {"order_id": order["id"]}}
        with session.begin():
            assert consignment.apply_paid(session, record) == 0
            assert consignment.apply_paid(session, {"payload": {
                "order_id": plain["id"]}}) == 0
            assert get_order(session=session, order_id=order["id"], user_id=None)

    due = datetime.fromisoformat(push["next_at"])
    assert consignment.push_due(api.sessions, client=client_of(api.app.state), now=due) == {
        "pushed": 1, "failed": 0}
    (push,) = admin.get("/v1/admin/procurement/pushes").json()
    assert (push["status"], push["attempts"]) == ("pushed", 2) and push["supplier_ref"]
    assert client_of(api.app.state).received[push["id"]]["sub_order_id"] == sub["id"]
    failed = outbox_events(api, "consignment_push_failed")
    pushed = outbox_events(api, "consignment_pushed")
    assert [e["payload"]["attempts"] for e in failed] == [1]
    assert [(e["payload"]["attempts"], e["payload"]["units"]) for e in pushed] == [(2, 2)]

    body, headers = signed_tracking(_secret(api), push_id=push["id"], carrier="sandbox",
                                    tracking_number="DS-0001")
    forged = dict(headers, **{"X-Flywheel-Signature": headers["X-Flywheel-Signature"][:-4]
                              + "beef"})
    r = _callback(api, body, forged)
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
    r = _callback(api, body.replace(b"DS-0001", b"DS-9999"), headers)  # body changed
    assert r.status_code == 401
    assert admin.get("/v1/admin/procurement/pushes").json()[0]["status"] == "pushed"

    r = _callback(api, body, headers)
    assert r.status_code == 200 and r.json() == {"outcome": "shipped"}
    track = c.get(f"/v1/orders/{order['id']}/tracking").json()
    assert track["status"] == "shipped"
    assert [x["tracking_number"] for x in track["shipments"]] == ["DS-0001"]
    assert _callback(api, body, headers).json() == {"outcome": "duplicate"}
    assert len(c.get(f"/v1/orders/{order['id']}/tracking").json()["shipments"]) == 1
    other, other_headers = signed_tracking(_secret(api), push_id=push["id"],
                                           carrier="sandbox", tracking_number="DS-0002")
    assert _callback(api, other, other_headers).status_code == 409
    assert c.get(f"/v1/orders/{plain['id']}").json()["status"] == "paid"
    (push,) = admin.get("/v1/admin/procurement/pushes").json()
    assert push["status"] == "shipped" and push["shipment_id"]


def test_callbacks_for_unknown_pushes_or_carriers_are_refused(api):
    secret = _secret(api)
    body, headers = signed_tracking(secret, push_id="nope", carrier="sandbox",
                                    tracking_number="X1")
    assert _callback(api, body, headers).status_code == 404
    body, headers = signed_tracking(secret, push_id="nope", carrier="pigeon",
                                    tracking_number="X1")
    assert _callback(api, body, headers).status_code == 422
    raw = json.dumps({"push_id": 1}).encode()
    _, h = signed_tracking(secret, push_id="x", carrier="y", tracking_number="z")
    from transactional_api.payments.signing import sign
    h["X-Flywheel-Signature"] = sign(secret, raw)
    assert _callback(api, raw, h).status_code == 422
    assert _callback(api, raw, {"Content-Type": "application/json"}).status_code == 401
