"""Payment defects found by an adversarial run: forged callbacks, SSRF through Host, lost
confirmations, money captured after a failure, and provider clocks trusted blindly."""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from tests.api.payment_helpers import ordered, outbox_events, pending_payment, signed_callback
from tests.conftest import free_port, make_settings, run_api
from transactional_api.config import Settings
from transactional_api.payments.models import Payment, SandboxCharge
from transactional_api.payments.secret import secret_path, webhook_secret

PUBLISHED_DEV_SECRET = "flywheel-dev-webhook-secret"  # what the skeleton shipped with


def _wait(fn, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


# --- 1. no published secret; sandbox switchable -------------------------------------------
def test_each_installation_generates_its_own_secret(tmp_path):
    a = Settings(var_dir=tmp_path / "a")
    secret = webhook_secret(a)
    assert secret != PUBLISHED_DEV_SECRET and len(secret) >= 32
    assert webhook_secret(Settings(var_dir=tmp_path / "a")) == secret  # kept, not re-rolled
    assert os.stat(secret_path(a)).st_mode & 0o777 == 0o600
    assert webhook_secret(Settings(var_dir=tmp_path / "b")) != secret
    configured = "x" * 40
    assert webhook_secret(Settings(var_dir=tmp_path / "a",
                                   payment_webhook_secret=configured)) == configured


def test_the_published_development_secret_forges_nothing(manual):
    c, order = ordered(manual, "forger@example.com")
    payment = c.post(f"/v1/orders/{order['id']}/payments", json={}).json()
    forged = {"provider_event_id": "evt-forged", "payment_id": payment["id"],
              "status": "succeeded", "amount_cents": 4200, "currency": "USD",
              "occurred_at": datetime.now(UTC).isoformat()}
    assert signed_callback(manual, forged, secret=PUBLISHED_DEV_SECRET).status_code == 401
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "pending_payment"


def test_sandbox_is_off_by_default_outside_the_demo(tmp_path, redis_server):
    settings = make_settings(tmp_path / "var", redis_server.url,
                             payment_sandbox_enabled=None, sandbox_outcome_choice=None)
    for live in run_api(settings):
        c, order = ordered(live, "prod@example.com")
        r = c.post(f"/v1/orders/{order['id']}/payments", json={"channel": "sandbox"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "channel_unavailable"
        assert signed_callback(live, {"payment_id": "x"}).status_code == 404
        with live.sessions() as s:
            assert s.scalar(select(Payment.id)) is None


def test_shoppers_choose_the_outcome_only_when_allowed(tmp_path, redis_server):
    settings = make_settings(tmp_path / "var", redis_server.url, sandbox_outcome_choice=False)
    for live in run_api(settings):
        c, order = ordered(live, "chooser@example.com")
        r = c.post(f"/v1/orders/{order['id']}/payments", json={"sandbox_outcome": "fail"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "sandbox_outcome_not_allowed"
        assert c.post(f"/v1/orders/{order['id']}/payments", json={}).status_code == 202
    assert Settings(simulated_clock=True).sandbox_enabled  # the demo keeps its sandbox


# --- 2. the callback URL comes from configuration only ------------------------------------
def test_host_header_cannot_redirect_the_callback(api):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            hits.append(conn.recv(65536))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        c, order = ordered(api, "ssrf@example.com")
        r = c.post(f"/v1/orders/{order['id']}/payments", json={},
                   headers={"Host": f"127.0.0.1:{listener.getsockname()[1]}"})
        assert r.status_code == 202
        _wait(lambda: c.get(f"/v1/orders/{order['id']}").json()["status"] == "paid")
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
        listener.close()
    assert hits == []


# --- 3. durable confirmations and the stuck-payment sweeper --------------------------------
def test_confirmation_survives_a_restart(tmp_path, redis_server):
    var, port = tmp_path / "var", free_port()
    # The first process takes the payment but dies before its provider calls back.
    for first in run_api(make_settings(var, redis_server.url, sandbox_auto_confirm=False),
                         port=port):
        c, order = ordered(first, "restart@example.com")
        payment = c.post(f"/v1/orders/{order['id']}/payments", json={}).json()
        token = c.headers["Authorization"]
    for second in run_api(make_settings(var, redis_server.url), port=port):
        with second.client(Authorization=token) as c2:
            _wait(lambda: c2.get(f"/v1/payments/{payment['id']}").json()["status"]
                  == "succeeded")
            assert c2.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"


def _sweeping(tmp_path, redis_server, after: float = 0.0, **kw):
    return run_api(make_settings(tmp_path / "var", redis_server.url, sandbox_auto_confirm=False,
                                 payment_sweeper_interval_seconds=0.1,
                                 payment_reconcile_after_seconds=after, **kw))


def test_sweeper_resolves_payments_whose_callback_never_came(tmp_path, redis_server):
    for live in _sweeping(tmp_path, redis_server):
        c, order = ordered(live, "silent@example.com")
        ok = c.post(f"/v1/orders/{order['id']}/payments", json={}).json()
        _wait(lambda: c.get(f"/v1/payments/{ok['id']}").json()["status"] == "succeeded")
        c2, order2 = ordered(live, "declined@example.com")
        bad = c2.post(f"/v1/orders/{order2['id']}/payments",
                      json={"sandbox_outcome": "fail"}).json()
        _wait(lambda: c2.get(f"/v1/payments/{bad['id']}").json()["status"] == "failed")
        assert c2.get(f"/v1/orders/{order2['id']}").json()["status"] == "pending_payment"


def test_sweeper_fails_payments_the_channel_never_heard_of(tmp_path, redis_server):
    for live in _sweeping(tmp_path, redis_server, after=1.0):
        c, order = ordered(live, "lost@example.com")
        first = c.post(f"/v1/orders/{order['id']}/payments", json={}).json()
        with live.sessions() as s, s.begin():
            s.execute(delete(SandboxCharge))  # the start never reached the provider
        _wait(lambda: c.get(f"/v1/payments/{first['id']}").json()["status"] == "failed")
        assert c.get(f"/v1/payments/{first['id']}").json()["failure_reason"] == \
            "unknown_to_channel"
        retry = c.post(f"/v1/orders/{order['id']}/payments", json={})
        assert retry.status_code == 202  # no longer blocked by payment_in_progress


def test_payment_of_an_expired_order_is_resolved_and_refunded(tmp_path, redis_server):
    # The order expires at 1 s; the sweeper looks at the payment only after 2.5 s.
    for live in _sweeping(tmp_path, redis_server, after=2.5, order_payment_timeout_seconds=1):
        c, order = ordered(live, "expired@example.com")
        payment = c.post(f"/v1/orders/{order['id']}/payments", json={}).json()
        time.sleep(1.1)
        with live.client(live.admin_token()) as admin:
            assert admin.post("/v1/admin/orders/expire").json() == {"cancelled": 1}
        assert c.get(f"/v1/payments/{payment['id']}").json()["status"] == "pending"
        _wait(lambda: c.get(f"/v1/payments/{payment['id']}").json()["status"] == "refund_due")
        assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "cancelled"
        assert len(outbox_events(live, "payment_refund_due")) == 1


# --- 4. captures after a failure, and provider clocks -------------------------------------
def test_capture_after_failure_is_owed_back(manual):
    c, order, payment, body = pending_payment(manual, "flip@example.com")
    failed = {**body, "provider_event_id": "evt-flip-1", "status": "failed",
              "reason": "card_declined"}
    assert signed_callback(manual, failed).json() == {"outcome": "failed"}
    assert signed_callback(manual, {**body, "provider_event_id": "evt-flip-2"}).json() == {
        "outcome": "refund_due"}
    assert c.get(f"/v1/payments/{payment['id']}").json()["status"] == "refund_due"
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "pending_payment"
    [owed] = outbox_events(manual, "payment_refund_due")
    assert owed["payload"] == {"order_id": order["id"], "payment_id": payment["id"],
                               "amount_cents": 4200, "currency": "USD",
                               "reason": "captured_after_failure"}


def test_capture_for_a_cancelled_order_emits_refund_due(manual):
    c, order, payment, body = pending_payment(manual, "gone@example.com")
    c.post(f"/v1/orders/{order['id']}/cancel")
    assert signed_callback(manual, body).json() == {"outcome": "refund_due"}
    [owed] = outbox_events(manual, "payment_refund_due")
    assert owed["payload"]["reason"] == "order_not_payable"
    assert owed["payload"]["amount_cents"] == 4200


@pytest.mark.parametrize("when", ["1999-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00"])
def test_provider_event_time_is_bounded(manual, when):
    c, order, payment, body = pending_payment(manual, f"clock{when[:4]}@example.com")
    before = datetime.now(UTC)
    assert signed_callback(manual, {**body, "occurred_at": when}).json() == {"outcome": "paid"}
    paid_at = datetime.fromisoformat(c.get(f"/v1/orders/{order['id']}").json()["paid_at"])
    assert datetime.fromisoformat(order["created_at"]) <= paid_at
    assert paid_at <= before + timedelta(seconds=manual.settings.payment_clock_skew_seconds + 5)
    [paid] = outbox_events(manual, "order_paid")
    assert paid["occurred_at"][:4] == str(before.year)
