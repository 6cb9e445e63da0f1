from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import create_product, make_settings, register, run_api
from transactional_api.events.models import OutboxEvent
from transactional_api.payments.signing import sign


def _wait_status(c, order_id: str, status: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        order = c.get(f"/v1/orders/{order_id}").json()
        if order["status"] == status:
            return order
        time.sleep(0.05)
    raise AssertionError(f"order never became {status}: {order}")


def _events(api, event_type: str) -> list[dict]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(OutboxEvent.event_type == event_type))
        return [json.loads(r) for r in rows]


def _placed_order(api, admin, email: str) -> tuple[object, dict]:
    sku = create_product(admin, price_cents=4200, stock=5, code=email)["skus"][0]["id"]
    c = api.client(register(api, email))
    order = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}).json()
    return c, order


def _callback(api, body: dict, secret: str | None = None):
    raw = json.dumps(body).encode()
    with api.client() as c:
        return c.post("/v1/payments/callbacks/sandbox", content=raw, headers={
            "content-type": "application/json",
            "x-flywheel-signature": sign(secret or api.app.state.webhook_secret, raw)})


def test_sandbox_payment_confirms_asynchronously(api, admin):
    c, order = _placed_order(api, admin, "pay@example.com")
    payment = c.post(f"/v1/orders/{order['id']}/payments", json={"channel": "sandbox"})
    assert payment.status_code == 202 and payment.json()["status"] == "pending"
    assert payment.json()["amount_cents"] == 4200  # computed by the server
    paid = _wait_status(c, order["id"], "paid")
    assert paid["paid_at"] is not None
    assert c.get(f"/v1/payments/{payment.json()['id']}").json()["status"] == "succeeded"
    assert [e["payload"]["amount_cents"] for e in _events(api, "order_paid")] == [4200]
    # paid -> shipped -> completed, then nothing more
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").json()["status"] == "shipped"
    assert admin.post(f"/v1/admin/orders/{order['id']}/complete").json()["status"] == "completed"
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 409
    assert c.post(f"/v1/orders/{order['id']}/payments", json={}).status_code == 409


def test_failed_payment_leaves_order_payable(api, admin):
    c, order = _placed_order(api, admin, "fail@example.com")
    r = c.post(f"/v1/orders/{order['id']}/payments", json={"sandbox_outcome": "fail"})
    deadline = time.monotonic() + 10
    while c.get(f"/v1/payments/{r.json()['id']}").json()["status"] == "pending":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert c.get(f"/v1/payments/{r.json()['id']}").json()["failure_reason"] == "card_declined"
    assert [e["payload"]["reason"] for e in _events(api, "payment_failed")] == ["card_declined"]
    retry = c.post(f"/v1/orders/{order['id']}/payments", json={})
    assert retry.status_code == 202
    _wait_status(c, order["id"], "paid")


@pytest.fixture
def manual(tmp_path, redis_server):
    """An API whose sandbox never calls back: tests deliver callbacks by hand."""
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     sandbox_auto_confirm=False))


def _pending_payment(api, email: str):
    """A payment whose callback we deliver by hand."""
    with api.client(api.admin_token()) as admin:
        c, order = _placed_order(api, admin, email)
    payment = c.post(f"/v1/orders/{order['id']}/payments", json={}).json()
    body = {"provider_event_id": f"evt-{email}", "payment_id": payment["id"],
            "status": "succeeded", "amount_cents": 4200, "currency": "USD",
            "occurred_at": datetime.now(UTC).isoformat()}
    return c, order, payment, body


def test_duplicate_and_out_of_order_callbacks_apply_once(manual):
    c, order, payment, body = _pending_payment(manual, "dup@example.com")
    assert _callback(manual, body).json() == {"outcome": "paid"}
    assert _callback(manual, body).json() == {"outcome": "duplicate"}
    late_fail = {**body, "provider_event_id": "evt-late", "status": "failed"}
    assert _callback(manual, late_fail).json() == {"outcome": "ignored_succeeded"}
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"
    assert len(_events(manual, "order_paid")) == 1 and _events(manual, "payment_failed") == []


def test_forged_callback_is_rejected_and_changes_nothing(manual):
    c, order, payment, body = _pending_payment(manual, "forge@example.com")
    r = _callback(manual, body, secret="someone-elses-secret-key")
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
    with manual.client() as anon:
        unsigned = anon.post("/v1/payments/callbacks/sandbox", json=body)
        assert unsigned.status_code == 401
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "pending_payment"
    assert c.get(f"/v1/payments/{payment['id']}").json()["status"] == "pending"
    assert _callback(manual, body).json() == {"outcome": "paid"}  # the genuine one still works


def test_callback_after_cancellation_owes_a_refund(manual):
    c, order, payment, body = _pending_payment(manual, "late@example.com")
    assert c.post(f"/v1/orders/{order['id']}/cancel").json()["status"] == "cancelled"
    assert _callback(manual, body).json() == {"outcome": "refund_due"}
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "cancelled"
    assert c.get(f"/v1/payments/{payment['id']}").json()["status"] == "refund_due"
    assert _events(manual, "order_paid") == []
