"""Races on money, against SQLite and PostgreSQL: concurrent refunds never exceed what was
captured, and concurrent wallet spends never overdraw."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from tests.payments.helpers import money, more_orders, sandbox_paid, shopper_order, top_up
from transactional_api.core.db import transaction
from transactional_api.core.errors import DomainError
from transactional_api.payments import service
from transactional_api.payments.models import Payment, Refund, WalletAccount, WalletEntry

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def live(request):
    return request.getfixturevalue("papi" if request.param == "sqlite" else "papi_pg")


def _race(n: int, fn) -> list:
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_concurrent_refunds_never_exceed_captured(live):
    c, order, p = sandbox_paid(live, "race-refund@example.com")
    token = live.admin_token()

    def over_http(i):
        with live.client(token) as admin:
            return admin.post(f"/v1/admin/payments/{p['id']}/refunds",
                              json={"amount_cents": 1000, "reason": "race"},
                              headers={"Idempotency-Key": f"race-{i}"}).status_code

    codes = _race(12, over_http)
    assert sorted(codes) == [201] * 4 + [422] * 8
    channels = live.app.state.payment_channels

    def in_process(i):  # what after-sales does: refund() inside its own transaction
        try:
            with transaction(live.sessions) as s:
                service.refund(session=s, order_id=order["id"], amount_cents=100,
                               reason="race", reference=f"direct-{i}", channels=channels)
            return "ok"
        except DomainError as exc:
            return exc.code

    results = _race(6, in_process)
    assert results.count("ok") == 2 and results.count("refund_exceeds_captured") == 4
    assert money(live, p["id"]) == (4200, 4200, 4200, 4200)


def test_repeated_refund_calls_with_one_reference_refund_once(live):
    c, order, p = sandbox_paid(live, "race-same@example.com")
    token = live.admin_token()

    def same_key(i):
        with live.client(token) as admin:
            r = admin.post(f"/v1/admin/payments/{p['id']}/refunds",
                           json={"amount_cents": 1500, "reason": "retry"},
                           headers={"Idempotency-Key": "one-key"})
            return r.status_code, r.json().get("id")

    results = _race(8, same_key)
    assert {code for code, _ in results} <= {200, 201}
    assert len({rid for _, rid in results}) == 1
    with live.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Refund)) == 1
    assert money(live, p["id"]) == (4200, 1500, 4200, 1500)


def test_concurrent_wallet_spends_never_overdraw(live):
    c, uid, first = shopper_order(live, "spender@example.com", price_cents=4200)
    orders = [first, *more_orders(live, c, 4200, 9, "SPEND")]
    top_up(live, uid, 10_000)

    def spend(i):
        with live.client(Authorization=c.headers["Authorization"]) as mine:
            r = mine.post(f"/v1/orders/{orders[i]['id']}/payments", json={"channel": "wallet"})
            return r.status_code, r.json()

    results = _race(len(orders), spend)
    paid = [b for code, b in results if code == 202]
    assert len(paid) == 2 and all(b["status"] == "succeeded" for b in paid)
    refused = [b["error"]["details"]["reason"] if b["error"]["code"] == "channel_not_offered"
               else b["error"]["code"] for code, b in results if code != 202]
    assert set(refused) <= {"insufficient_balance"} and len(refused) == 8
    with live.sessions() as s:
        balance = s.scalar(select(WalletAccount.balance_cents).where(
            WalletAccount.user_id == uid))
        rows = s.execute(select(WalletEntry.kind, WalletEntry.amount_cents,
                                WalletEntry.balance_after_cents)
                         .where(WalletEntry.user_id == uid).order_by(WalletEntry.id)).all()
    assert balance == 10_000 - 2 * 4200 == 1600
    assert sum(a if k == "credit" else -a for k, a, _ in rows) == balance
    assert all(after >= 0 for _, _, after in rows) and rows[-1][2] == balance


def test_the_database_itself_refuses_overdrafts_and_over_refunds(live):
    _, uid, _ = shopper_order(live, "dbcheck@example.com")
    top_up(live, uid, 100)
    _, _, p = sandbox_paid(live, "dbcheck2@example.com")
    with pytest.raises(IntegrityError), transaction(live.sessions) as s:
        s.execute(update(WalletAccount).where(WalletAccount.user_id == uid)
                  .values(balance_cents=-1))
    with pytest.raises(IntegrityError), transaction(live.sessions) as s:
        s.execute(update(Payment).where(Payment.id == p["id"]).values(refunded_cents=4201))
    with pytest.raises(IntegrityError), transaction(live.sessions) as s:
        s.execute(text("UPDATE payments SET refunded_cents = -1 WHERE id = :id"),
                  {"id": p["id"]})
    assert money(live, p["id"])[:2] == (4200, 0)
