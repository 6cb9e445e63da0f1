from __future__ import annotations

import time

from tests.api.payment_helpers import ordered, outbox_events, pending_payment, signed_callback


def _wait_status(c, order_id: str, status: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        order = c.get(f"/v1/orders/{order_id}").json()
        if order["status"] == status:
            return order
        time.sleep(0.05)
    raise AssertionError(f"order never became {status}: {order}")


def test_sandbox_payment_confirms_asynchronously(api, admin):
    c, order = ordered(api, "pay@example.com")
    payment = c.post(f"/v1/orders/{order['id']}/payments", json={"channel": "sandbox"})
    assert payment.status_code == 202 and payment.json()["status"] == "pending"
    assert payment.json()["amount_cents"] == 4200  # computed by the server
    paid = _wait_status(c, order["id"], "paid")
    assert paid["paid_at"] is not None
    assert c.get(f"/v1/payments/{payment.json()['id']}").json()["status"] == "succeeded"
    assert [e["payload"]["amount_cents"] for e in outbox_events(api, "order_paid")] == [4200]
    # paid -> shipped -> completed, then nothing more
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").json()["status"] == "shipped"
    assert admin.post(f"/v1/admin/orders/{order['id']}/complete").json()["status"] == "completed"
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 409
    assert c.post(f"/v1/orders/{order['id']}/payments", json={}).status_code == 409


def test_failed_payment_leaves_order_payable(api, admin):
    c, order = ordered(api, "fail@example.com")
    r = c.post(f"/v1/orders/{order['id']}/payments", json={"sandbox_outcome": "fail"})
    deadline = time.monotonic() + 10
    while c.get(f"/v1/payments/{r.json()['id']}").json()["status"] == "pending":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert c.get(f"/v1/payments/{r.json()['id']}").json()["failure_reason"] == "card_declined"
    failed = outbox_events(api, "payment_failed")
    assert [e["payload"]["reason"] for e in failed] == ["card_declined"]
    retry = c.post(f"/v1/orders/{order['id']}/payments", json={})
    assert retry.status_code == 202
    _wait_status(c, order["id"], "paid")


def test_duplicate_and_out_of_order_callbacks_apply_once(manual):
    c, order, payment, body = pending_payment(manual, "dup@example.com")
    assert signed_callback(manual, body).json() == {"outcome": "paid"}
    assert signed_callback(manual, body).json() == {"outcome": "duplicate"}
    late_fail = {**body, "provider_event_id": "evt-late", "status": "failed"}
    assert signed_callback(manual, late_fail).json() == {"outcome": "ignored_succeeded"}
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"
    assert len(outbox_events(manual, "order_paid")) == 1
    assert outbox_events(manual, "payment_failed") == []


def test_forged_callback_is_rejected_and_changes_nothing(manual):
    c, order, payment, body = pending_payment(manual, "forge@example.com")
    r = signed_callback(manual, body, secret="someone-elses-secret-key")
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
    with manual.client() as anon:
        unsigned = anon.post("/v1/payments/callbacks/sandbox", json=body)
        assert unsigned.status_code == 401
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "pending_payment"
    assert c.get(f"/v1/payments/{payment['id']}").json()["status"] == "pending"
    # the genuine one still works
    assert signed_callback(manual, body).json() == {"outcome": "paid"}


def test_callback_after_cancellation_owes_a_refund(manual):
    c, order, payment, body = pending_payment(manual, "late@example.com")
    assert c.post(f"/v1/orders/{order['id']}/cancel").json()["status"] == "cancelled"
    assert signed_callback(manual, body).json() == {"outcome": "refund_due"}
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "cancelled"
    assert c.get(f"/v1/payments/{payment['id']}").json()["status"] == "refund_due"
    assert outbox_events(manual, "order_paid") == []
