"""Daily reconciliation of our ledger against each channel's statement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import run_api
from tests.payments.conftest import payment_settings
from tests.payments.helpers import (
    card_through,
    deliver,
    outbox_events,
    pay,
    refund,
    sandbox_paid,
    shopper_order,
    wallet_paid,
)
from transactional_api.payments.models import ReconciliationMismatch, ReconciliationRun


@pytest.fixture
def shop(tmp_path, redis_server):
    # transfers arrive at once, so the whole day can be reconciled while the test runs
    yield from run_api(payment_settings(tmp_path / "var", redis_server.url,
                                        bank_transfer_confirm_after_hours=0))


@pytest.fixture
def admin(shop):
    with shop.client(shop.admin_token()) as c:
        yield c


def _a_day_of_business(shop, admin) -> dict[str, dict]:
    """A payment on every channel, some refunded; returns them by channel."""
    _, _, sbx = sandbox_paid(shop, "r-sbx@example.com")
    c, _, order = shopper_order(shop, "r-card@example.com")
    crd = pay(c, order, "card").json()
    card_through(shop, crd["next_action"]["url"])
    _, _, _, wal = wallet_paid(shop, "r-wal@example.com")
    c, _, order = shopper_order(shop, "r-bank@example.com", price_cents=15_000)
    bnk = pay(c, order, "bank_transfer").json()
    assert deliver(shop) == 3  # card authorized + captured, the transfer
    for p, amount in ((sbx, 1000), (crd, 4200), (wal, 200), (bnk, 5000)):
        assert refund(admin, p["id"], amount, f"day-{p['id']}").status_code == 201
    return {"sandbox": sbx, "card": crd, "wallet": wal, "bank_transfer": bnk}


def test_a_clean_day_has_no_findings(shop, admin):
    _a_day_of_business(shop, admin)
    today = datetime.now(UTC).date().isoformat()
    run = admin.post(f"/v1/admin/payments/reconciliation/{today}").json()
    assert run["mismatches"] == []
    assert {k: (v["ledger_entries"], v["statement_entries"], v["mismatches"])
            for k, v in run["channels"].items()} == {
        "sandbox": (2, 2, 0), "card": (2, 2, 0), "wallet": (2, 2, 0),
        "bank_transfer": (2, 2, 0)}
    listed = admin.get("/v1/admin/payments/reconciliation", params={"day": today}).json()
    assert [r["run_id"] for r in listed["runs"]] == [run["run_id"]]
    done = outbox_events(shop, "reconciliation_completed")
    assert sorted(e["payload"]["channel"] for e in done) == [
        "bank_transfer", "card", "sandbox", "wallet"]
    assert outbox_events(shop, "reconciliation_mismatch") == []


def test_planted_statement_faults_are_all_found(shop, admin):
    paid = _a_day_of_business(shop, admin)
    today = datetime.now(UTC).date().isoformat()
    statement = admin.get(f"/v1/admin/payments/statements/sandbox/{today}").json()["entries"]
    capture = next(e for e in statement if e["kind"] == "captured")
    card_refund = next(e for e in admin.get(
        f"/v1/admin/payments/statements/card/{today}").json()["entries"]
        if e["kind"] == "refunded")
    faults = [{"channel": "sandbox", "action": "drop",
               "provider_reference": capture["provider_reference"]},
              {"channel": "card", "action": "alter", "amount_cents": 4100,
               "provider_reference": card_refund["provider_reference"]},
              {"channel": "bank_transfer", "action": "add", "amount_cents": 777,
               "provider_reference": "phantom-1"}]
    for fault in faults:
        r = admin.post("/v1/admin/payments/sandbox/statement-faults", json={**fault,
                                                                             "day": today})
        assert r.status_code == 201, r.text
    wallet_fault = admin.post("/v1/admin/payments/sandbox/statement-faults", json={
        "channel": "wallet", "day": today, "action": "drop"})
    assert wallet_fault.status_code == 422  # our own ledger is not a sandbox
    first = admin.post(f"/v1/admin/payments/reconciliation/{today}").json()
    found = {(m["channel"], m["kind"], m["transaction_kind"]): m for m in first["mismatches"]}
    assert set(found) == {("sandbox", "missing_in_statement", "captured"),
                          ("card", "amount_differs", "refunded"),
                          ("bank_transfer", "missing_in_ledger", "captured")}
    assert found[("sandbox", "missing_in_statement", "captured")]["payment_id"] == \
        paid["sandbox"]["id"]
    assert (found[("card", "amount_differs", "refunded")]["ledger_amount_cents"],
            found[("card", "amount_differs", "refunded")]["statement_amount_cents"]) == (4200,
                                                                                       4100)
    assert found[("bank_transfer", "missing_in_ledger", "captured")][
        "statement_amount_cents"] == 777
    assert first["channels"]["wallet"]["mismatches"] == 0
    # a re-run replaces the day's findings
    second = admin.post(f"/v1/admin/payments/reconciliation/{today}").json()
    assert second["run_id"] != first["run_id"] and len(second["mismatches"]) == 3
    with shop.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReconciliationRun)) == 1
        assert s.scalar(select(func.count()).select_from(ReconciliationMismatch)) == 3
    events = outbox_events(shop, "reconciliation_mismatch")
    assert len(events) == 6 and {e["payload"]["run_id"] for e in events} == {
        first["run_id"], second["run_id"]}
    assert all(e["payload"]["currency"] == "USD" for e in events)


def test_a_capture_we_never_heard_of_is_missing_in_our_ledger(shop, admin):
    c, _, order = shopper_order(shop, "silent@example.com")
    p = pay(c, order, "sandbox").json()  # the sandbox took the money; no callback yet
    today = datetime.now(UTC).date().isoformat()
    run = admin.post(f"/v1/admin/payments/reconciliation/{today}").json()
    assert [(m["kind"], m["payment_id"]) for m in run["mismatches"]] == [
        ("missing_in_ledger", p["id"])]


def test_reconciliation_input_is_checked(shop, admin):
    assert admin.post("/v1/admin/payments/reconciliation/not-a-day").status_code == 422
    r = admin.post("/v1/admin/payments/reconciliation/0001-01-01")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_day"
    assert admin.post("/v1/admin/payments/reconciliation/9999-12-31").status_code == 422
    assert admin.get("/v1/admin/payments/reconciliation",
                     params={"day": "2026-02-30"}).status_code == 422
    assert admin.get("/v1/admin/payments/statements/nope/2026-01-01").status_code == 404
    assert admin.post("/v1/admin/payments/sandbox/statement-faults", json={
        "channel": "sandbox", "day": "2026-01-01", "action": "explode"}).status_code == 422
    with shop.client() as anon:
        assert anon.post("/v1/admin/payments/reconciliation/2026-01-01").status_code == 401
    c, _, _ = shopper_order(shop, "notadmin@example.com")
    assert c.get("/v1/admin/payments/reconciliation").status_code == 403
