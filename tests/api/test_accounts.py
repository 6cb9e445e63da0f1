from __future__ import annotations

from tests.conftest import register


def test_register_login_and_me(api):
    token = register(api, "ann@example.com")
    with api.client(token) as c:
        me = c.get("/v1/me").json()
    assert me["email"] == "ann@example.com" and me["role"] == "shopper" and me["tags"] == {}
    assert api.login("ANN@example.com", "shopper-pass-1")  # emails are case-insensitive


def test_wrong_password_and_duplicate_email(api):
    register(api, "bo@example.com")
    with api.client() as c:
        bad = c.post("/v1/auth/login", json={"email": "bo@example.com", "password": "nope-nope-1"})
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_credentials"
        unknown = c.post("/v1/auth/login", json={"email": "x@example.com", "password": "nope-nope"})
        assert unknown.status_code == 401
        dup = c.post("/v1/auth/register", json={"email": "bo@example.com", "password": "another1"})
        assert dup.status_code == 409 and dup.json()["error"]["code"] == "email_taken"
        weak = c.post("/v1/auth/register", json={"email": "c@example.com", "password": "short"})
        assert weak.status_code == 422


def test_admin_endpoints_refuse_anonymous_and_shoppers(api):
    shopper = register(api, "shop@example.com")
    body = {"name": "Shoes", "slug": "shoes"}
    with api.client() as anon:
        r = anon.post("/v1/admin/categories", json=body)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    with api.client(shopper) as c:
        r = c.post("/v1/admin/categories", json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
    with api.client("forged-token") as c:
        assert c.get("/v1/me").status_code == 401
    with api.client(api.admin_token()) as c:
        assert c.post("/v1/admin/categories", json=body).status_code == 201
        assert len(c.get("/v1/categories").json()["items"]) == 1
