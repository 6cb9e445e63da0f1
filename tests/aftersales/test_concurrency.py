"""Concurrent approvals of two requests on one order never refund more than was captured:
every transition locks the parent order first, and payments refuses the refund that would
pass what was captured (422, nothing changed: no stock back, the request still open)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.aftersales.helpers import (
    captured,
    decide,
    ledger_consistent,
    open_request,
    paid_order,
    refunded,
    status,
    stock_of,
)
from tests.conftest import make_settings, run_api
from transactional_api.payments.models import Payment


@pytest.fixture(params=["sqlite", "postgres"])
def any_api(request, tmp_path, redis_server):
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_db")
    overrides = {"database_url": url} if url else {}
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, **overrides))


def test_concurrent_approvals_never_refund_more_than_captured(any_api):
    api = any_api
    with api.client(api.admin_token()) as admin:
        shop, c, order, own, acme = paid_order(api, admin, "race-as@example.com")
        a, b = shop["sku"]["A"], shop["sku"]["B"]
        with api.sessions() as s:
            payment_id = s.scalar(select(Payment.id).where(Payment.order_id == order["id"]))
        # an earlier goodwill refund leaves less than both sub-orders together
        left = max(own["total_cents"], acme["total_cents"]) + 100
        r = admin.post(f"/v1/admin/payments/{payment_id}/refunds",
                       json={"amount_cents": order["total_cents"] - left, "reason": "goodwill"},
                       headers={"Idempotency-Key": "goodwill-1"})
        assert r.status_code == 201, r.text
        reqs = [open_request(c, order["id"], own["id"], "refund_only", {a: 3}).json(),
                open_request(c, order["id"], acme["id"], "refund_only", {b: 1}).json()]
        assert all(x["status"] == "requested" for x in reqs)

        barrier = threading.Barrier(len(reqs))
        results: dict[str, object] = {}

        def approve(request_id: str) -> None:
            with api.client(api.admin_token()) as mine:
                barrier.wait()
                results[request_id] = decide(mine, request_id)

        threads = [threading.Thread(target=approve, args=(x["id"],)) for x in reqs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)

        codes = sorted(results[x["id"]].status_code for x in reqs)
        assert codes == [200, 422], [results[x["id"]].text for x in reqs]
        won = next(x for x in reqs if results[x["id"]].status_code == 200)
        lost = next(x for x in reqs if x is not won)
        assert results[lost["id"]].json()["error"]["code"] == "refund_exceeds_captured"
        got, back = captured(api, order["id"])
        assert back <= got == order["total_cents"]
        assert refunded(api, order["id"]) == back == \
            order["total_cents"] - left + results[won["id"]].json()["refunded_cents"]
        assert c.get(f"/v1/after-sales/{lost['id']}").json()["status"] == "requested"
        # only the winner's units came back on hand
        own_won = won["sub_order_id"] == own["id"]
        assert stock_of(c, shop["own"]["id"], "A") == (10 if own_won else 7)
        assert stock_of(c, shop["theirs"]["id"], "B") == (9 if own_won else 10)
        assert status(c, order["id"]) == "after_sales"  # the loser is still open
        assert ledger_consistent(admin)
