"""Callbacks of the new channels: forged ones get 401, and delivered twice, late or out of
order they have their effect at most once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.payments.helpers import (
    card_through,
    deliver,
    money,
    outbox_events,
    owed_bodies,
    pay,
    post_callback,
    shopper_order,
)


def _card_paid_at_provider(api, email: str):
    c, _, order = shopper_order(api, email)
    p = pay(c, order, "card").json()
    card_through(api, p["next_action"]["url"])
    return c, order, p, owed_bodies(api, p["id"])


@pytest.mark.parametrize("channel", ["card", "bank_transfer"])
def test_forged_callbacks_are_refused_and_change_nothing(papi, channel):
    c, _, order = shopper_order(papi, f"forge-{channel}@example.com")
    p = pay(c, order, channel).json()
    body = {"provider_event_id": f"evt-forged-{channel}", "payment_id": p["id"],
            "status": "succeeded", "amount_cents": 4200, "currency": "USD",
            "occurred_at": datetime.now(UTC).isoformat()}
    r = post_callback(papi, channel, body, secret="someone-elses-secret-key-0123456789")
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
    with papi.client() as anon:
        assert anon.post(f"/v1/payments/callbacks/{channel}", json=body).status_code == 401
        assert anon.post(f"/v1/payments/callbacks/{channel}", json=body, headers={
            "x-flywheel-signature": "t=1,v1=00"}).status_code == 401
    assert c.get(f"/v1/payments/{p['id']}").json()["provider_events"] == []
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "pending_payment"
    assert outbox_events(papi, "payment_captured") == []


def test_callback_routes_are_closed_when_their_channel_is_off(tmp_path, redis_server):
    from tests.conftest import run_api
    from tests.payments.conftest import payment_settings

    for live in run_api(payment_settings(tmp_path / "var", redis_server.url,
                                         payment_channels=["wallet"])):
        for channel in ("card", "bank_transfer", "sandbox"):
            assert post_callback(live, channel, {"payment_id": "x"}).status_code == 404
        with live.client() as browser:
            assert browser.get("/sandbox-provider/card/whatever").status_code == 404


def test_card_callbacks_twice_and_out_of_order_apply_once(papi):
    c, order, p, (auth, capture) = _card_paid_at_provider(papi, "order@example.com")
    assert auth["status"] == "authorized" and capture["status"] == "succeeded"
    assert "number" not in auth and auth["card_last4"] == "4242"
    # the capture overtakes the authorization, and both come twice
    assert post_callback(papi, "card", capture).json() == {"outcome": "paid"}
    assert post_callback(papi, "card", capture).json() == {"outcome": "duplicate"}
    assert post_callback(papi, "card", auth).json() == {"outcome": "ignored_succeeded"}
    assert post_callback(papi, "card", auth).json() == {"outcome": "duplicate"}
    assert deliver(papi) == 2  # the provider's own deliveries are now duplicates
    detail = c.get(f"/v1/payments/{p['id']}").json()
    assert detail["status"] == "succeeded"
    assert [t["kind"] for t in detail["transactions"]] == ["captured"]
    assert money(papi, p["id"]) == (4200, 0, 4200, 0)
    assert len(outbox_events(papi, "order_paid")) == 1
    assert len(outbox_events(papi, "payment_captured")) == 1
    assert outbox_events(papi, "payment_authorized") == []


def test_a_late_failure_after_a_capture_changes_nothing(papi):
    c, order, p, (auth, capture) = _card_paid_at_provider(papi, "latefail@example.com")
    assert post_callback(papi, "card", auth).json() == {"outcome": "authorized"}
    assert post_callback(papi, "card", capture).json() == {"outcome": "paid"}
    late = {**capture, "provider_event_id": "card_late_fail", "status": "failed",
            "reason": "card_declined"}
    assert post_callback(papi, "card", late).json() == {"outcome": "ignored_succeeded"}
    assert c.get(f"/v1/payments/{p['id']}").json()["status"] == "succeeded"
    assert outbox_events(papi, "payment_failed") == []


def test_a_capture_after_a_failure_is_owed_back_once(papi):
    c, order, p, (auth, capture) = _card_paid_at_provider(papi, "flipcard@example.com")
    failed = {**capture, "provider_event_id": "card_x_fail", "status": "failed",
              "reason": "authentication_failed"}
    assert post_callback(papi, "card", failed).json() == {"outcome": "failed"}
    assert post_callback(papi, "card", capture).json() == {"outcome": "refund_due"}
    assert post_callback(papi, "card", capture).json() == {"outcome": "duplicate"}
    assert c.get(f"/v1/payments/{p['id']}").json()["status"] == "refund_due"
    assert money(papi, p["id"]) == (4200, 0, 4200, 0)
    assert len(outbox_events(papi, "payment_refund_due")) == 1


def test_callbacks_of_another_channel_or_amount_are_ignored(papi):
    c, order, p, (auth, capture) = _card_paid_at_provider(papi, "wrongroute@example.com")
    # validly signed, but on the bank's route: it cannot settle a card payment
    assert post_callback(papi, "bank_transfer", {**capture, "provider_event_id": "x1"}).json() \
        == {"outcome": "ignored_wrong_channel"}
    assert post_callback(papi, "sandbox", {**capture, "provider_event_id": "x2"}).json() == {
        "outcome": "ignored_wrong_channel"}
    bad = post_callback(papi, "bank_transfer", {**auth, "provider_event_id": "x3"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_callback"
    assert post_callback(papi, "card", {**capture, "provider_event_id": "x4",
                                        "amount_cents": 1}).json() == {
        "outcome": "ignored_amount_mismatch"}
    assert c.get(f"/v1/payments/{p['id']}").json()["status"] == "requires_action"
    assert post_callback(papi, "card", capture).json() == {"outcome": "paid"}


def test_a_bank_confirmation_delivered_twice_pays_once(papi):
    c, _, order = shopper_order(papi, "bank2@example.com")
    p = pay(c, order, "bank_transfer").json()
    [confirmation] = owed_bodies(papi, p["id"])
    assert post_callback(papi, "bank_transfer", confirmation).json() == {"outcome": "paid"}
    assert post_callback(papi, "bank_transfer", confirmation).json() == {"outcome": "duplicate"}
    assert deliver(papi, hours=10) == 1  # the provider's own delivery: a duplicate
    assert len(outbox_events(papi, "order_paid")) == 1
    assert money(papi, p["id"]) == (4200, 0, 4200, 0)


def test_malformed_signed_callbacks_are_422(papi):
    for body in ({"payment_id": "x"}, {"provider_event_id": "e", "payment_id": "p",
                                       "status": "succeeded", "amount_cents": "12",
                                       "currency": "USD", "occurred_at": "yesterday"}):
        r = post_callback(papi, "card", body)
        assert r.status_code == 422 and r.json()["error"]["code"] == "bad_callback"
