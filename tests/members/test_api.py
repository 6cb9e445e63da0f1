"""The members API on a live server: a paid order earns, a refund takes back, points are
spent once per key, operators adjust, and bad input answers 4xx."""

from __future__ import annotations

import time

from tests.api.payment_helpers import ordered
from tests.conftest import make_settings, register, run_api
from tests.members.conftest import paid_order as _paid
from transactional_api.members import consumer, points


def _user_id(c) -> str:
    return c.get("/v1/me").json()["id"]


def test_paid_order_earns_and_refund_takes_back(api):
    c, order = ordered(api, "earner@example.com", price_cents=4200)
    total = order["total_cents"]
    payment = c.post(f"/v1/orders/{order['id']}/payments", json={"channel": "sandbox"}).json()
    _paid(c, order["id"])
    consumer.consume_all(api.sessions, api.settings)
    me = c.get("/v1/members/me").json()
    earned = total // 100  # 1 point and 1 growth per 100 cents paid
    assert (me["level"], me["points_balance"], me["window_growth"]) == \
        ("regular", earned, earned)
    assert me["next_level"] == {"name": "silver", "min_growth": 500,
                                "growth_missing": 500 - earned}
    assert me["benefits"]["member_price"] is False
    with api.client(api.admin_token()) as admin:
        r = admin.post(f"/v1/admin/payments/{payment['id']}/refunds",
                       json={"amount_cents": total // 4, "reason": "damaged"},
                       headers={"Idempotency-Key": "refund-1"})
        assert r.status_code == 201, r.text
    consumer.consume_all(api.sessions, api.settings)
    back = earned * (total // 4) // total  # the refunded quarter's share, floored
    me = c.get("/v1/members/me").json()
    assert me["points_balance"] == earned - back
    assert me["window_growth"] == earned - back
    ledger = c.get("/v1/members/me/points/ledger").json()["items"]
    assert [(e["kind"], e["points"]) for e in ledger] == [("reverse", -back), ("earn", earned)]
    with api.sessions() as s:
        assert points.check(s) == []


def test_spend_adjust_and_their_refusals(api):
    token = register(api, "spender@example.com")
    with api.client(token) as c, api.client(api.admin_token()) as admin:
        uid = _user_id(c)
        assert c.get("/v1/members/me").json()["points_balance"] == 0
        adj = f"/v1/admin/members/{uid}/points/adjustments"
        r = admin.post(adj, json={"points": 100, "reason": "goodwill"})
        assert r.status_code == 201 and r.json()["balance_after"] == 100
        spend = "/v1/members/me/points/redemptions"
        first = c.post(spend, json={"points": 30, "reason": "voucher"},
                       headers={"Idempotency-Key": "k1"})
        assert first.status_code == 201 and first.json()["balance_after"] == 70
        again = c.post(spend, json={"points": 30, "reason": "voucher"},
                       headers={"Idempotency-Key": "k1"})
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        reused = c.post(spend, json={"points": 31, "reason": "voucher"},
                        headers={"Idempotency-Key": "k1"})
        assert reused.status_code == 422
        assert reused.json()["error"]["code"] == "idempotency_key_reused"
        over = c.post(spend, json={"points": 71, "reason": "voucher"},
                      headers={"Idempotency-Key": "k2"})
        assert over.status_code == 409 and over.json()["error"]["code"] == "insufficient_points"
        for body, headers in [({"points": 5, "reason": "x"}, {}),  # no Idempotency-Key
                              ({"points": "5", "reason": "x"}, {"Idempotency-Key": "k3"}),
                              ({"points": 0, "reason": "x"}, {"Idempotency-Key": "k4"}),
                              ({"points": 5, "reason": ""}, {"Idempotency-Key": "k5"}),
                              ({"points": 5}, {"Idempotency-Key": "k6"})]:
            assert c.post(spend, json=body, headers=headers).status_code == 422, body
        assert admin.post(adj, json={"points": 0, "reason": "x"}).status_code == 422
        assert admin.post(adj, json={"points": 5}).status_code == 422  # reason required
        assert admin.post(adj, json={"points": -71, "reason": "x"}).status_code == 409
        assert admin.post(adj, json={"points": -20, "reason": "typo"}).json()[
            "balance_after"] == 50
        assert admin.post("/v1/admin/members/nobody/points/adjustments",
                          json={"points": 5, "reason": "x"}).status_code == 404
        assert admin.get("/v1/admin/members/nobody").status_code == 404
        assert c.get(f"/v1/admin/members/{uid}").status_code == 403
        assert c.post(adj, json={"points": 5, "reason": "x"}).status_code == 403
        view = admin.get(f"/v1/admin/members/{uid}").json()
        assert (view["points_balance"], view["level"]) == (50, "regular")
        # the ledger pages newest first: 3 entries, 2 then 1
        page = c.get("/v1/members/me/points/ledger", params={"limit": 2}).json()
        assert [e["points"] for e in page["items"]] == [-20, -30]
        rest = c.get("/v1/members/me/points/ledger",
                     params={"before_id": page["next_before_id"], "limit": 2}).json()
        assert [e["points"] for e in rest["items"]] == [100]
        assert rest["next_before_id"] is None
        assert c.get("/v1/members/me/points/ledger",
                     params={"before_id": "x"}).status_code == 422
    with api.client() as anon:
        assert anon.get("/v1/members/me").status_code == 401


def test_the_api_job_applies_paid_orders_by_itself(tmp_path, redis_server):
    settings = make_settings(tmp_path / "var", redis_server.url,
                             members_consumer_interval_seconds=0.1,
                             members_housekeeping_interval_seconds=0)
    for live in run_api(settings):
        c, order = ordered(live, "by-itself@example.com", price_cents=2500)
        c.post(f"/v1/orders/{order['id']}/payments", json={"channel": "sandbox"})
        _paid(c, order["id"])
        deadline = time.monotonic() + 10
        while c.get("/v1/members/me").json()["points_balance"] == 0:
            assert time.monotonic() < deadline, "the members job never applied the payment"
            time.sleep(0.1)
        assert c.get("/v1/members/me").json()["points_balance"] == order["total_cents"] // 100
