"""Refunds, partial and full, through the original channel; never more than captured."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests.conftest import run_api
from tests.payments.conftest import payment_settings
from tests.payments.helpers import (
    card_through,
    deliver,
    money,
    outbox_events,
    pay,
    post_callback,
    refund,
    sandbox_paid,
    shopper_order,
    wallet_paid,
)
from transactional_api.core.db import transaction
from transactional_api.core.errors import Unprocessable
from transactional_api.payments import service
from transactional_api.payments.models import Refund
from transactional_api.payments.provider_models import SandboxLedgerEntry


def _refund_rows(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Refund))


def test_partial_then_full_refund_through_the_sandbox(papi, admin_of):
    c, order, p = sandbox_paid(papi, "refund@example.com")
    first = refund(admin_of, p["id"], 1200, "r1", reason="damaged")
    assert first.status_code == 201, first.text
    part = first.json()
    assert part["amount_cents"] == 1200 and part["parts"][0]["payment_id"] == p["id"]
    assert part["parts"][0]["provider_reference"].startswith("rf_")
    assert c.get(f"/v1/payments/{p['id']}").json()["status"] == "succeeded"
    again = refund(admin_of, p["id"], 1200, "r1", reason="damaged")
    assert again.status_code == 200 and again.json()["id"] == part["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    reused = refund(admin_of, p["id"], 1300, "r1")
    assert reused.status_code == 422 and reused.json()["error"]["code"] == \
        "refund_reference_reused"
    assert refund(admin_of, p["id"], 3000, "r2").status_code == 201
    done = c.get(f"/v1/payments/{p['id']}").json()
    assert done["status"] == "refunded" and done["refunded_cents"] == 4200
    assert [t["kind"] for t in done["transactions"]] == ["captured", "refunded", "refunded"]
    assert [r["amount_cents"] for r in done["refunds"]] == [1200, 3000]
    assert money(papi, p["id"]) == (4200, 4200, 4200, 4200)
    events = outbox_events(papi, "refund_succeeded")
    assert [(e["payload"]["amount_cents"], e["payload"]["channel"], e["payload"]["reason"])
            for e in events] == [(1200, "sandbox", "damaged"), (3000, "sandbox", "test")]
    with papi.sessions() as s:  # the provider's own books carry the refunds
        assert sorted(s.scalars(select(SandboxLedgerEntry.amount_cents).where(
            SandboxLedgerEntry.payment_id == p["id"],
            SandboxLedgerEntry.kind == "refunded"))) == [1200, 3000]


def test_refund_above_captured_is_422_and_changes_nothing(papi, admin_of):
    c, order, p = sandbox_paid(papi, "over@example.com")
    assert refund(admin_of, p["id"], 4000, "a").status_code == 201
    before = (money(papi, p["id"]), _refund_rows(papi),
              len(outbox_events(papi, "refund_succeeded")))
    r = refund(admin_of, p["id"], 201, "b")
    assert r.status_code == 422 and r.json()["error"]["code"] == "refund_exceeds_captured"
    assert r.json()["error"]["details"] == {"captured_cents": 4200, "refunded_cents": 4000,
                                            "requested_cents": 201}
    after = (money(papi, p["id"]), _refund_rows(papi),
             len(outbox_events(papi, "refund_succeeded")))
    assert after == before
    assert refund(admin_of, p["id"], 200, "c").status_code == 201


def test_refund_requests_that_are_wrong_get_clear_4xx(papi, admin_of):
    c, order, p = sandbox_paid(papi, "wrong@example.com")
    url = f"/v1/admin/payments/{p['id']}/refunds"
    assert admin_of.post(url, json={"amount_cents": 1, "reason": "x"}).json()["error"][
        "code"] == "idempotency_key_required"
    for body in ({"amount_cents": 0, "reason": "x"}, {"amount_cents": -5, "reason": "x"},
                 {"amount_cents": "10", "reason": "x"}, {"amount_cents": 10, "reason": ""},
                 {"amount_cents": 10**13, "reason": "x"}):
        assert admin_of.post(url, json=body, headers={"Idempotency-Key": "k"}).status_code \
            == 422
    assert refund(admin_of, "no-such-payment", 10, "k").status_code == 404
    assert c.post(url, json={"amount_cents": 10, "reason": "x"},
                  headers={"Idempotency-Key": "k"}).status_code == 403
    c2, _, order2 = shopper_order(papi, "pending@example.com")
    pending = pay(c2, order2, "sandbox").json()
    r = refund(admin_of, pending["id"], 10, "k")
    assert r.status_code == 422 and r.json()["error"]["code"] == "refund_exceeds_captured"


def test_wallet_and_card_refunds_go_back_through_their_channel(papi, admin_of):
    c, uid, order, p = wallet_paid(papi, "wref@example.com", balance=5000)
    assert c.get("/v1/me/wallet").json()["balance_cents"] == 800
    assert refund(admin_of, p["id"], 1000, "w1").status_code == 201
    wallet = c.get("/v1/me/wallet").json()
    assert wallet["balance_cents"] == 1800
    assert wallet["entries"][0]["reason"] == "refund" and wallet["entries"][0]["payment_id"] \
        == p["id"]
    c2, _, order2 = shopper_order(papi, "cref@example.com")
    cp = pay(c2, order2, "card").json()
    card_through(papi, cp["next_action"]["url"])
    deliver(papi)
    r = refund(admin_of, cp["id"], 4200, "c1")
    assert r.status_code == 201 and c2.get(f"/v1/payments/{cp['id']}").json()["status"] == \
        "refunded"


def test_the_refund_function_for_other_domains(papi):
    c, order, p = sandbox_paid(papi, "domain@example.com")
    channels = papi.app.state.payment_channels
    with transaction(papi.sessions) as s:
        first = service.refund(session=s, order_id=order["id"], amount_cents=700,
                               reason="after_sales", reference="as-1", actor_id=None,
                               channels=channels)
        same = service.refund(session=s, order_id=order["id"], amount_cents=700,
                              reason="after_sales", reference="as-1", channels=channels)
        assert same.id == first.id
    with pytest.raises(Unprocessable) as exc, transaction(papi.sessions) as s:
        service.refund(session=s, order_id=order["id"], amount_cents=3501, reason="x",
                       reference="as-2", channels=channels)
    assert exc.value.code == "refund_exceeds_captured" and exc.value.status_code == 422
    c3, _, unpaid = shopper_order(papi, "unpaid@example.com")
    with pytest.raises(Unprocessable), transaction(papi.sessions) as s:
        service.refund(session=s, order_id=unpaid["id"], amount_cents=1, reason="x",
                       reference="u", channels=channels)
    assert money(papi, p["id"]) == (4200, 700, 4200, 700)


def test_money_captured_for_a_cancelled_order_is_refunded_automatically(tmp_path,
                                                                         redis_server):
    settings = payment_settings(tmp_path / "var", redis_server.url,
                                payment_refund_sweeper_interval_seconds=0.1,
                                payment_refund_due_after_seconds=0.5)
    for live in run_api(settings):
        c, _, order = shopper_order(live, "owed@example.com")
        p = pay(c, order, "card").json()
        card_through(live, p["next_action"]["url"])
        assert c.post(f"/v1/orders/{order['id']}/cancel").status_code == 200
        deliver(live)
        assert c.get(f"/v1/payments/{p['id']}").json()["status"] in ("refund_due", "refunded")
        deadline = time.monotonic() + 10
        while c.get(f"/v1/payments/{p['id']}").json()["status"] != "refunded":
            assert time.monotonic() < deadline, "never refunded"
            time.sleep(0.05)
        [back] = outbox_events(live, "refund_succeeded")
        assert back["payload"]["reason"] == "refund_due" and back["payload"]["amount_cents"] \
            == 4200
        assert money(live, p["id"]) == (4200, 4200, 4200, 4200)
        with live.client(live.admin_token()) as admin:
            assert admin.post("/v1/admin/payments/refund-due/sweep").json() == {"refunded": 0}


def test_the_operator_can_sweep_refund_due_at_once(papi, admin_of):
    c, _, order = shopper_order(papi, "sweepnow@example.com")
    p = pay(c, order, "bank_transfer").json()
    c.post(f"/v1/orders/{order['id']}/cancel")
    assert deliver(papi, hours=5) == 1
    assert c.get(f"/v1/payments/{p['id']}").json()["status"] == "refund_due"
    assert admin_of.post("/v1/admin/payments/refund-due/sweep").json() == {"refunded": 1}
    assert c.get(f"/v1/payments/{p['id']}").json()["status"] == "refunded"
    assert post_callback(papi, "bank_transfer", {
        "provider_event_id": "bank_again", "payment_id": p["id"], "status": "succeeded",
        "amount_cents": 4200, "currency": "USD",
        "occurred_at": "2026-01-01T00:00:00+00:00"}).json() == {"outcome": "ignored_refunded"}


@pytest.fixture
def admin_of(papi):
    with papi.client(papi.admin_token()) as c:
        yield c
