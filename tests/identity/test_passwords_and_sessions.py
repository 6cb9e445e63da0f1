"""Password change and reset by code; signing out here and everywhere."""

from __future__ import annotations

from tests.conftest import register
from tests.identity.conftest import ask_code, last_code, outbox, sign_in_by_code


def _me(api, token):
    with api.client(token) as c:
        return c.get("/v1/me").status_code


def test_reset_by_code_sets_the_password_and_revokes_every_session(idapi):
    t1 = register(idapi, "rae@example.com", "old-password-1")
    t2 = idapi.login("rae@example.com", "old-password-1")
    with idapi.client() as c:
        assert ask_code(c, "email", "rae@example.com", "password_reset").status_code == 202
        code = last_code(idapi, "rae@example.com")
        body = {"channel": "email", "destination": "rae@example.com",
                "new_password": "new-password-1"}
        wrong = c.post("/v1/auth/password/reset",
                       json={**body, "code": f"{(int(code) + 7) % 10**6:06d}"})
        assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_code"
        assert idapi.login("rae@example.com", "old-password-1")  # nothing changed
        r = c.post("/v1/auth/password/reset", json={**body, "code": code})
        assert r.status_code == 200 and r.json() == {"sessions_revoked": 3}
        assert c.post("/v1/auth/password/reset", json={**body, "code": code}).status_code == 400
        old = c.post("/v1/auth/login", json={"email": "rae@example.com",
                                             "password": "old-password-1"})
        assert old.status_code == 401
    assert _me(idapi, t1) == 401 and _me(idapi, t2) == 401
    assert _me(idapi, idapi.login("rae@example.com", "new-password-1")) == 200
    # a sign-in code is not a reset code
    with idapi.client() as c:
        ask_code(c, "email", "rae@example.com", "sign_in")
        r = c.post("/v1/auth/password/reset", json={
            "channel": "email", "destination": "rae@example.com", "new_password": "third-pass-1",
            "code": last_code(idapi, "rae@example.com")})
        assert r.status_code == 400


def test_a_phone_account_sets_a_password_by_reset_then_signs_in_with_it(idapi):
    sign_in_by_code(idapi, "phone", "+33612345678")
    with idapi.client() as c:
        ask_code(c, "phone", "+33612345678", "password_reset")
        r = c.post("/v1/auth/password/reset", json={
            "channel": "phone", "destination": "+33612345678", "new_password": "phone-pass-1",
            "code": last_code(idapi, "+33612345678")})
        assert r.status_code == 200 and r.json() == {"sessions_revoked": 1}
        ok = c.post("/v1/auth/login", json={"phone": "+33 6 12 34 56 78",
                                            "password": "phone-pass-1"})
    assert ok.status_code == 200 and ok.json()["user"]["phone"] == "+33612345678"


def test_reset_of_an_unknown_address_changes_nothing(idapi):
    with idapi.client() as c:
        ask_code(c, "email", "ghost@example.com", "password_reset")
        r = c.post("/v1/auth/password/reset", json={
            "channel": "email", "destination": "ghost@example.com",
            "new_password": "ghost-pass-1", "code": "123456"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_code"


def test_change_needs_the_current_password_and_keeps_only_this_session(idapi):
    keep = register(idapi, "cy@example.com", "first-pass-1")
    other = idapi.login("cy@example.com", "first-pass-1")
    with idapi.client(keep) as c:
        bad = c.post("/v1/auth/password", json={"current_password": "not-it-1",
                                                 "new_password": "second-pass-1"})
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_credentials"
        assert _me(idapi, other) == 200
        r = c.post("/v1/auth/password", json={"current_password": "first-pass-1",
                                               "new_password": "second-pass-1"})
        assert r.status_code == 200 and r.json() == {"sessions_revoked": 1}
    assert _me(idapi, keep) == 200 and _me(idapi, other) == 401
    assert idapi.login("cy@example.com", "second-pass-1")
    changed = [e for e in outbox(idapi, "password_changed")]
    assert [e["payload"] for e in changed] == [{"method": "change", "sessions_revoked": 1}]


def test_sign_out_here_and_everywhere(idapi):
    a = register(idapi, "dee@example.com")
    b = idapi.login("dee@example.com", "shopper-pass-1")
    c_ = idapi.login("dee@example.com", "shopper-pass-1")
    with idapi.client(a) as c:
        r = c.post("/v1/auth/logout")
        assert r.status_code == 200 and r.json() == {"sessions_revoked": 1}
        assert c.post("/v1/auth/logout").status_code == 401  # that token is gone
    assert _me(idapi, a) == 401 and _me(idapi, b) == 200
    with idapi.client(b) as c:
        r = c.post("/v1/auth/logout-all")
        assert r.status_code == 200 and r.json() == {"sessions_revoked": 2}
    assert _me(idapi, b) == 401 and _me(idapi, c_) == 401
    out = [e["payload"] for e in outbox(idapi, "user_signed_out")]
    assert out == [{"scope": "session", "sessions_revoked": 1},
                   {"scope": "everywhere", "sessions_revoked": 2}]
