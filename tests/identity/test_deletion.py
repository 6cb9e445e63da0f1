"""Account deletion on request: personal data erased, orders kept for accounting."""

from __future__ import annotations

import redis
from sqlalchemy import select, text

from tests.conftest import create_product, register
from tests.identity.conftest import ask_code, last_code, outbox, sign_in_by_code
from tests.orders.helpers import address
from transactional_api.orders.models import Order
from transactional_api.recommendations import keys


def _order(api, token: str, sku_id: str, address_id: str) -> dict:
    with api.client(token) as c:
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku_id, "quantity": 1}],
                                       "address_id": address_id})
        assert r.status_code == 201, r.text
        return r.json()


def test_deletion_erases_personal_data_and_keeps_orders(idapi, admin):
    sku = create_product(admin, price_cents=1500)["skus"][0]["id"]
    token = register(idapi, "zoe@example.com", "zoe-pass-12")
    other = idapi.login("zoe@example.com", "zoe-pass-12")
    with idapi.client(token) as c:
        uid = c.get("/v1/me").json()["id"]
        home = address(c, name="Zoe Private", phone="+1 555 0199", line1="9 Secret Lane")
    first = _order(idapi, token, sku, home["id"])
    tags = redis.Redis.from_url(idapi.settings.redis_url)
    tags.hset(keys.user_tags(uid), mapping={"rfm_segment": "champions"})
    assert first["ship_to"]["name"] == "Zoe Private"  # the order copied the address
    with idapi.client(token) as c:
        # an order still on its way: refused, nothing changed
        r = c.request("DELETE", "/v1/me", json={"password": "zoe-pass-12"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "orders_in_progress"
        assert r.json()["error"]["details"] == {"orders_in_progress": 1}
        assert c.post(f"/v1/orders/{first['id']}/cancel").status_code == 200
        wrong = c.request("DELETE", "/v1/me", json={"password": "not-zoe-1"})
        assert wrong.status_code == 401
        r = c.request("DELETE", "/v1/me", json={"password": "zoe-pass-12"})
        assert r.status_code == 200 and r.json() == {"status": "deleted", "orders_kept": 1}
        assert c.get("/v1/me").status_code == 401
    with idapi.client(other) as c:
        assert c.get("/v1/me").status_code == 401  # every session went
    with idapi.client() as c:
        r = c.post("/v1/auth/login", json={"email": "zoe@example.com",
                                           "password": "zoe-pass-12"})
        assert r.status_code == 401
    with idapi.sessions() as s:
        order = s.scalar(select(Order).where(Order.id == first["id"]))
        assert order.user_id == uid and order.total_cents == first["total_cents"]
        assert order.ship_to == {"region": "N", "country": "US", "erased": True}
        user = s.execute(text("SELECT email, password_hash FROM users WHERE id = :id"),
                         {"id": uid}).one()
        assert user.email == f"erased-{uid}@users.invalid" and user.password_hash == "!erased"
        for table in ("addresses", "auth_tokens"):
            n = s.execute(text(f"SELECT count(*) FROM {table} WHERE user_id = :id"),
                          {"id": uid}).scalar()
            assert n == 0, table
        dump = " ".join(str(r) for r in s.execute(text("SELECT * FROM orders")).all())
        assert "Zoe Private" not in dump and "Secret Lane" not in dump and "0199" not in dump
    assert not tags.exists(keys.user_tags(uid))
    deleted = [e for e in outbox(idapi, "account_deleted")]
    assert [(e["user_id"], e["payload"]) for e in deleted] == [
        (uid, {"orders_kept": 1, "addresses_erased": 1, "sessions_revoked": 2})]
    # the address can sign up again: a new account, nothing of the old one
    again = sign_in_by_code(idapi, "email", "zoe@example.com")
    assert again["created"] is True and again["user"]["id"] != uid


def test_an_account_without_password_proves_itself_with_a_code(idapi):
    out = sign_in_by_code(idapi, "phone", "+4915112345678")
    with idapi.client(out["token"]) as c:
        assert c.request("DELETE", "/v1/me", json={}).status_code == 422
        ask_code(c, "phone", "+4915112345678")
        code = last_code(idapi, "+4915112345678")
        bad = c.request("DELETE", "/v1/me", json={
            "channel": "phone", "code": f"{(int(code) + 1) % 10**6:06d}"})
        assert bad.status_code == 401
        r = c.request("DELETE", "/v1/me", json={"channel": "phone", "code": code})
        assert r.status_code == 200 and r.json()["orders_kept"] == 0
    with idapi.sessions() as s:
        phones = s.execute(text("SELECT count(*) FROM user_phones")).scalar()
        sent = s.execute(text("SELECT count(*) FROM sandbox_messages WHERE destination = :d"),
                         {"d": "+4915112345678"}).scalar()
    assert phones == 0 and sent == 0
