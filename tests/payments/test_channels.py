"""Channels behind one interface: card with a challenge, wallet, bank transfer, routing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.payments.helpers import (
    GOOD_CARD,
    card_through,
    deliver,
    outbox_events,
    pay,
    shopper_order,
    top_up,
)
from transactional_api.config import Settings
from transactional_api.payments import registry
from transactional_api.payments.card import luhn_ok


def test_a_channel_is_added_by_registering_a_class(monkeypatch):
    monkeypatch.setattr(registry, "_CLASSES", dict(registry.registered()))
    monkeypatch.setattr(registry, "_active", {})

    @registry.register
    class Voucher(registry.ChannelBase):
        name, label, sandbox = "voucher", "Gift voucher", False

        @classmethod
        def from_settings(cls, settings, *, secret):
            return cls()

    built = registry.build_channels(Settings(payment_channels=["voucher", "wallet"]),
                                    secret="x" * 32)
    assert list(built) == ["voucher", "wallet"] and isinstance(built["voucher"], Voucher)
    with pytest.raises(ValueError, match="unknown payment channels"):
        registry.build_channels(Settings(payment_channels=["nope"]), secret="x" * 32)
    # unset: the wallet always, the sandboxes only where the sandbox is on
    assert registry.enabled_names(Settings(payment_sandbox_enabled=False)) == ["wallet",
                                                                                "voucher"]
    assert registry.enabled_names(Settings(payment_sandbox_enabled=True))[:4] == [
        "sandbox", "card", "wallet", "bank_transfer"]


def test_routing_offers_channels_by_amount_and_balance(papi):
    c, uid, order = shopper_order(papi, "route@example.com", price_cents=900)
    opts = c.get(f"/v1/orders/{order['id']}/payment-options").json()
    assert opts["payable"] and opts["amount_cents"] == 900
    assert [o["channel"] for o in opts["options"]] == ["sandbox", "card"]
    assert {u["channel"]: u["reason"] for u in opts["unavailable"]} == {
        "wallet": "no_wallet", "bank_transfer": "amount_below_minimum"}
    top_up(papi, uid, 500)
    opts = c.get(f"/v1/orders/{order['id']}/payment-options").json()
    assert {u["channel"]: u["reason"] for u in opts["unavailable"]}["wallet"] == \
        "insufficient_balance"
    r = pay(c, order, "wallet")
    assert r.status_code == 422 and r.json()["error"]["code"] == "channel_not_offered"
    r = pay(c, order, "bank_transfer")
    assert r.status_code == 422 and r.json()["error"]["details"]["reason"] == \
        "amount_below_minimum"
    top_up(papi, uid, 400)
    opts = c.get(f"/v1/orders/{order['id']}/payment-options").json()
    assert "wallet" in [o["channel"] for o in opts["options"]]
    with papi.client() as stranger:
        assert stranger.get(f"/v1/orders/{order['id']}/payment-options").status_code == 401
    other, _, _ = shopper_order(papi, "nosy@example.com")
    assert other.get(f"/v1/orders/{order['id']}/payment-options").status_code == 404


def test_card_payment_needs_the_challenge_and_keeps_only_token_and_last4(papi):
    c, _, order = shopper_order(papi, "card@example.com")
    started = pay(c, order, "card")
    assert started.status_code == 202, started.text
    p = started.json()
    assert p["status"] == "requires_action"
    url = p["next_action"]["url"]
    assert url.startswith("/sandbox-provider/card/") and p["next_action"]["type"] == \
        "redirect_to_url"
    with papi.client() as browser:
        page = browser.get(url).json()
        assert page["next_step"] == "card" and page["amount_cents"] == 4200
        bad = browser.post(f"{url}/card", json={**GOOD_CARD, "number": "4242424242424241"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_card_number"
        assert browser.post(f"{url}/challenge", json={"code": "123456"}).status_code == 409
    done = card_through(papi, url)
    assert done["status"] == "captured" and done["card_last4"] == "4242"
    assert c.get(f"/v1/payments/{p['id']}").json()["status"] == "requires_action"
    assert deliver(papi) == 2  # authorized, then captured
    paid = c.get(f"/v1/payments/{p['id']}").json()
    assert paid["status"] == "succeeded" and paid["card_last4"] == "4242"
    assert paid["captured_cents"] == 4200 and paid["next_action"] is None
    assert [t["kind"] for t in paid["transactions"]] == ["authorized", "captured"]
    assert [e["outcome"] for e in paid["provider_events"]] == ["authorized", "paid"]
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"
    assert [e["payload"]["channel"] for e in outbox_events(papi, "payment_started")] == ["card"]
    assert outbox_events(papi, "payment_authorized")[0]["payload"]["card_last4"] == "4242"
    assert len(outbox_events(papi, "payment_captured")) == 1
    with papi.sessions() as s:
        from transactional_api.payments.models import Payment
        assert s.get(Payment, p["id"]).card_token.startswith("tok_")


@pytest.mark.parametrize(("number", "code", "reason"), [
    ("4000000000000002", "123456", "card_declined"),
    ("4000 0000 0000 9995", "123456", "insufficient_funds"),
    ("4000000000000069", "123456", "expired_card"),
    ("5555555555554444", "000000", "authentication_failed"),
])
def test_card_declines_and_failed_challenges(papi, number, code, reason):
    c, _, order = shopper_order(papi, f"decline{number[-4:]}{code}@example.com")
    p = pay(c, order, "card").json()
    page = card_through(papi, p["next_action"]["url"], {**GOOD_CARD, "number": number}, code)
    assert page["status"] == "failed" and page["failure_reason"] == reason
    assert deliver(papi) == 1
    failed = c.get(f"/v1/payments/{p['id']}").json()
    assert failed["status"] == "failed" and failed["failure_reason"] == reason
    assert [t["kind"] for t in failed["transactions"]] == ["failed"]
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "pending_payment"
    assert pay(c, order, "card").status_code == 202  # the shopper may try again


def test_a_new_payment_replaces_an_abandoned_card_page(papi):
    c, _, order = shopper_order(papi, "abandon@example.com")
    first = pay(c, order, "card").json()
    second = pay(c, order, "sandbox")
    assert second.status_code == 202
    assert c.get(f"/v1/payments/{first['id']}").json()["failure_reason"] == "superseded"
    with papi.client() as browser:  # the old page is closed at the provider
        r = browser.post(f"{first['next_action']['url']}/card", json=GOOD_CARD)
        assert r.status_code == 409
    # a sandbox payment in flight is not replaced
    assert pay(c, order, "card").json()["error"]["code"] == "payment_in_progress"


def test_wallet_pays_at_once_and_never_below_zero(papi):
    c, uid, order = shopper_order(papi, "wallet@example.com")
    top_up(papi, uid, 5000, key="gift-1")
    assert top_up(papi, uid, 5000, key="gift-1").status_code == 200  # replayed, not doubled
    r = pay(c, order, "wallet")
    assert r.status_code == 202 and r.json()["status"] == "succeeded"
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"
    wallet = c.get("/v1/me/wallet").json()
    assert wallet["balance_cents"] == 800
    assert [(e["kind"], e["reason"], e["balance_after_cents"]) for e in wallet["entries"]] == [
        ("debit", "payment", 800), ("credit", "top_up", 5000)]
    assert [e["payload"]["kind"] for e in outbox_events(papi, "wallet_entry")] == [
        "credit", "debit"]
    assert outbox_events(papi, "order_paid")[0]["payload"]["payment_id"] == r.json()["id"]


def test_bank_transfer_holds_the_order_and_confirms_hours_later(papi):
    c, _, order = shopper_order(papi, "bank@example.com")
    r = pay(c, order, "bank_transfer")
    assert r.status_code == 202 and r.json()["status"] == "pending"
    steps = r.json()["next_action"]
    assert steps["type"] == "bank_transfer_instructions" and steps["reference"].startswith("FW-")
    assert steps["amount_cents"] == 4200 and steps["iban"]
    held = c.get(f"/v1/orders/{order['id']}").json()
    deadline = datetime.fromisoformat(held["expires_at"])
    assert deadline - datetime.fromisoformat(order["created_at"]) > timedelta(hours=47)
    assert deliver(papi) == 0 and deliver(papi, hours=3) == 0  # the bank has not seen it yet
    assert deliver(papi, hours=5) == 1
    paid = c.get(f"/v1/payments/{r.json()['id']}").json()
    assert paid["status"] == "succeeded" and paid["provider_reference"] == steps["reference"]
    assert c.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"


def test_a_transfer_that_never_arrives_fails_at_the_deadline(papi):
    c, _, order = shopper_order(papi, "nobank@example.com")
    p = pay(c, order, "bank_transfer", sandbox_outcome="fail").json()
    assert deliver(papi, hours=47) == 0
    assert deliver(papi, hours=49) == 1
    failed = c.get(f"/v1/payments/{p['id']}").json()
    assert failed["status"] == "failed" and failed["failure_reason"] == "transfer_not_received"


def test_luhn():
    assert luhn_ok("4242424242424242") and luhn_ok("5555555555554444")
    assert not luhn_ok("4242424242424241")


def test_the_demo_confirms_transfers_on_its_simulated_clock(tmp_path, redis_server):
    from datetime import UTC

    from tests.conftest import run_api
    from tests.payments.conftest import payment_settings

    start = datetime.now(UTC).replace(microsecond=0)
    for live in run_api(payment_settings(tmp_path / "var", redis_server.url,
                                         simulated_clock=True)):
        c, _, order = shopper_order(live, "simbank@example.com")
        p = pay(c, order, "bank_transfer").json()
        with live.client(live.admin_token()) as admin:
            at = {"X-Flywheel-Clock": (start + timedelta(hours=1)).isoformat()}
            due = admin.post("/v1/admin/payments/sandbox/deliver-due", headers=at)
            assert due.json() == {"delivered": 0}
            at = {"X-Flywheel-Clock": (start + timedelta(hours=5)).isoformat()}
            assert admin.post("/v1/admin/payments/sandbox/deliver-due",
                              headers=at).json() == {"delivered": 1}
        assert c.get(f"/v1/payments/{p['id']}").json()["status"] == "succeeded"


def test_the_sweeper_settles_card_pages_by_asking_the_provider(tmp_path, redis_server):
    import time

    from tests.conftest import run_api
    from tests.payments.conftest import payment_settings

    for live in run_api(payment_settings(tmp_path / "var", redis_server.url,
                                         card_session_ttl_seconds=1.0,
                                         payment_sweeper_interval_seconds=0.1,
                                         payment_reconcile_after_seconds=0)):
        c, _, order = shopper_order(live, "lostcb@example.com")
        paid = pay(c, order, "card").json()
        card_through(live, paid["next_action"]["url"])  # its callbacks are never posted
        c2, _, order2 = shopper_order(live, "gone@example.com")
        left = pay(c2, order2, "card").json()  # the shopper never comes back
        deadline = time.monotonic() + 30  # a liveness bound, generous for a loaded machine
        while (c.get(f"/v1/payments/{paid['id']}").json()["status"] != "succeeded"
               or c2.get(f"/v1/payments/{left['id']}").json()["status"] != "failed"):
            assert time.monotonic() < deadline, "the sweeper did not settle them"
            time.sleep(0.1)
        assert c2.get(f"/v1/payments/{left['id']}").json()["failure_reason"] == \
            "authentication_expired"
