"""The review queue: who may decide, and two operators deciding at once."""

from __future__ import annotations

import threading
from collections import Counter

from tests.rbac.helpers import user_with_role
from tests.risk.conftest import available, events, place, product_sku, shopper


def _held(api, n: int = 1, stock: int = 10):
    product, sku = product_sku(api, price_cents=6000, stock=stock)
    c = shopper(api)
    orders = [place(c, sku).json() for _ in range(n)]
    with api.client(api.admin_token()) as admin:
        items = admin.get("/v1/admin/risk/reviews", params={"limit": 100}).json()["items"]
    by_order = {r["order_id"]: r for r in items}
    return c, product, [by_order[o["id"]] for o in orders]


def test_only_the_orders_permission_sees_and_decides_reviews(risk_api):
    api = risk_api(new_account_large_order_cents=5000)
    _, _, [review] = _held(api)
    with api.client(api.admin_token()) as admin:
        marketer, _ = user_with_role(api, admin, "marketer")
        manager, _ = user_with_role(api, admin, "order_manager")
        shopper_token, _ = user_with_role(api, admin, None)
    for token, expected in ((None, 401), (shopper_token, 403), (marketer, 403)):
        with api.client(token) as c:
            assert c.get("/v1/admin/risk/reviews").status_code == expected
            assert c.post(f"/v1/admin/risk/reviews/{review['id']}/approve"
                          ).status_code == expected
    with api.client(manager) as c:
        assert c.get("/v1/admin/risk/reviews").json()["total"] == 1
        assert c.post(f"/v1/admin/risk/reviews/{review['id']}/approve").status_code == 200
        assert c.post("/v1/admin/risk/reviews/nope/approve").status_code == 404
        assert c.get("/v1/admin/risk/reviews", params={"status": "approved"}
                     ).json()["items"][0]["decided_by"] is not None


def _race(api, review_id: str, verbs: list[str]) -> list:
    token = api.admin_token()
    barrier = threading.Barrier(len(verbs))
    results = [None] * len(verbs)

    def go(i: int, verb: str) -> None:
        with api.client(token) as c:
            barrier.wait()
            r = c.post(f"/v1/admin/risk/reviews/{review_id}/{verb}")
            results[i] = (verb, r.status_code, r.headers.get("Idempotent-Replayed"),
                          r.json().get("status") or r.json()["error"]["code"])

    threads = [threading.Thread(target=go, args=(i, v)) for i, v in enumerate(verbs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_operators_deciding_at_once_exactly_one_wins(risk_api):
    api = risk_api(new_account_large_order_cents=5000)
    c, product, reviews = _held(api, n=3)
    assert available(c, product) == 7
    for review in reviews:
        results = _race(api, review["id"], ["approve", "reject"])
        winners = [r for r in results if r[1] == 200]
        losers = [r for r in results if r[1] == 409]
        assert len(winners) == 1 and len(losers) == 1, results
        assert losers[0][3] == "review_decided"
        status = c.get(f"/v1/orders/{review['order_id']}").json()["status"]
        assert status == ("cancelled" if winners[0][0] == "reject" else "pending_payment")
    rejected = sum(1 for e in events(api, "risk_review_decided")
                   if e["payload"]["verdict"] == "rejected")
    assert len(events(api, "risk_review_decided")) == 3  # one verdict per review
    assert available(c, product) == 7 + rejected  # each rejection released its unit once


def test_many_operators_approving_at_once_approve_once(risk_api):
    api = risk_api(new_account_large_order_cents=5000)
    _, _, [review] = _held(api)
    results = _race(api, review["id"], ["approve"] * 6)
    assert all(r[1] == 200 and r[3] == "approved" for r in results), results
    assert Counter(r[2] for r in results) == Counter({None: 1, "true": 5})
    assert len(events(api, "risk_review_decided")) == 1
    assert [e["payload"]["action"] for e in events(api, "sub_order_intercepted")] == \
        ["pause", "resume"]
