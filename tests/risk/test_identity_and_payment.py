"""Sign-in, registration and payment under the rules."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, select

from tests.conftest import register
from tests.risk.conftest import decisions, device, events, place, product_sku, shopper
from transactional_api.payments.models import Payment
from transactional_api.risk import keys
from transactional_api.risk.limits import Limit


def _code(api, email: str) -> str:
    with api.client(api.admin_token()) as admin:
        msgs = admin.get("/v1/admin/sandbox/messages", params={"to": email}).json()["items"]
    return re.search(r"\b(\d{6})\b", msgs[0]["body"]).group(1)


def test_a_risky_password_sign_in_must_use_a_one_time_code(risk_api):
    api = risk_api(score=Limit(challenge_at=70, block_at=95))
    email = f"r-{uuid.uuid4().hex[:8]}@example.com"
    register(api, email)
    with api.client() as c:
        assert c.post("/v1/auth/login", json={"email": email, "password": "shopper-pass-1"}
                      ).status_code == 200
        uid = c.get("/v1/me", headers={"Authorization": "Bearer " + api.login(
            email, "shopper-pass-1")}).json()["id"]
        api.app.state.redis.hset(keys.user_score(uid), "score", "75")
        r = c.post("/v1/auth/login", json={"email": email, "password": "shopper-pass-1"})
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "challenge_required"
        assert "email_code" in r.json()["error"]["details"]["methods"]
        assert "token" not in r.text
        # the code path answers the challenge
        assert c.post("/v1/auth/codes", json={"channel": "email", "destination": email,
                                              "purpose": "sign_in"}).status_code == 202
        ok = c.post("/v1/auth/codes/verify", json={"channel": "email", "destination": email,
                                                   "code": _code(api, email)})
        assert ok.status_code == 200 and ok.json()["token"]
        api.app.state.redis.hset(keys.user_score(uid), "score", "99")
        blocked = c.post("/v1/auth/login", json={"email": email, "password": "shopper-pass-1"})
        assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "risk_blocked"
    got = [(d.action, d.outcome, d.reasons, d.user_id) for d in decisions(api)]
    assert got == [("sign_in", "challenge", ["risk_score"], uid),
                   ("sign_in", "challenge", ["risk_score"], uid),
                   ("sign_in", "block", ["risk_score"], uid)]
    assert len(events(api, "risk_decision_made")) == 3


def test_many_registrations_from_one_device_are_challenged_then_blocked(risk_api):
    api = risk_api(accounts_per_device_day=Limit(challenge_at=3, block_at=4))
    headers = device()
    codes = []
    with api.client(**headers) as c:
        for _ in range(5):
            r = c.post("/v1/auth/register", json={
                "email": f"n-{uuid.uuid4().hex[:8]}@example.com", "password": "shopper-pass-1"})
            codes.append(r.status_code if r.status_code == 201 else r.json()["error"]["code"])
    assert codes == [201, 201, "challenge_required", "risk_blocked", "risk_blocked"]
    assert len(events(api, "user_registered")) == 2  # refused ones created nothing
    assert [d.outcome for d in decisions(api)] == ["challenge", "block", "block"]
    assert all(d.user_id is None for d in decisions(api))
    # another device is not affected
    with api.client(**device()) as c:
        assert c.post("/v1/auth/register", json={
            "email": f"n-{uuid.uuid4().hex[:8]}@example.com",
            "password": "shopper-pass-1"}).status_code == 201


def test_a_blocked_payment_never_reaches_the_provider(risk_api):
    api = risk_api(per_instrument_hour=Limit(challenge_at=0, block_at=2))
    _, sku = product_sku(api)
    card = {"X-Payment-Instrument": f"card-{uuid.uuid4()}"}
    c = shopper(api)
    orders = [place(c, sku).json() for _ in range(2)]
    first = c.post(f"/v1/orders/{orders[0]['id']}/payments", json={"channel": "sandbox"},
                   headers=card)
    assert first.status_code == 202, first.text
    second = c.post(f"/v1/orders/{orders[1]['id']}/payments", json={"channel": "sandbox"},
                    headers=card)
    assert second.status_code == 403 and second.json()["error"]["code"] == "risk_blocked"
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == 1
    assert [(d.action, d.outcome, d.order_id) for d in decisions(api)] == \
        [("pay", "block", orders[1]["id"])]
    assert c.get(f"/v1/orders/{orders[1]['id']}").json()["status"] == "pending_payment"


def test_a_challenged_payment_holds_the_order_for_review(risk_api):
    api = risk_api(per_instrument_hour=Limit(challenge_at=2, block_at=0))
    _, sku = product_sku(api)
    card = {"X-Payment-Instrument": f"card-{uuid.uuid4()}"}
    c = shopper(api)
    orders = [place(c, sku).json() for _ in range(2)]
    assert not any(s["paused"] for o in orders for s in o["sub_orders"])
    ok = c.post(f"/v1/orders/{orders[0]['id']}/payments", json={"channel": "sandbox"},
                headers=card)
    assert ok.status_code == 202
    held = c.post(f"/v1/orders/{orders[1]['id']}/payments", json={"channel": "sandbox"},
                  headers=card)
    assert held.status_code == 409 and held.json()["error"]["code"] == "risk_review_pending"
    order = c.get(f"/v1/orders/{orders[1]['id']}").json()
    assert all(s["paused"] for s in order["sub_orders"])
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == 1
    with api.client(api.admin_token()) as admin:
        review = admin.get("/v1/admin/risk/reviews").json()["items"][0]
        assert (review["order_id"], review["action"]) == (orders[1]["id"], "pay")
        assert admin.post(f"/v1/admin/risk/reviews/{review['id']}/approve").status_code == 200
    # approved once: the same velocity no longer stops this order
    again = c.post(f"/v1/orders/{orders[1]['id']}/payments", json={"channel": "sandbox"},
                   headers=card)
    assert again.status_code == 202, again.text
