"""TOTP two-factor: enrol, activate, the second step, replay, recovery codes, turning off."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pyotp

from tests.conftest import register
from tests.identity.conftest import ask_code, last_code, outbox


def _enable(api, email: str) -> tuple[str, pyotp.TOTP, list[str], int]:
    """Token, authenticator, recovery codes, and the step the activation code spent."""
    token = register(api, email)
    with api.client(token) as c:
        enrol = c.post("/v1/auth/2fa/totp").json()
        totp = pyotp.TOTP(enrol["secret"])
        step = totp.timecode(time.time())
        r = c.post("/v1/auth/2fa/totp/activate", json={"code": totp.generate_otp(step)})
        assert r.status_code == 200, r.text
    return token, totp, r.json()["recovery_codes"], step


def _ticket(api, email: str) -> str:
    with api.client() as c:
        r = c.post("/v1/auth/login", json={"email": email, "password": "shopper-pass-1"})
    assert r.status_code == 200 and r.json()["second_factor_required"] is True
    assert "token" not in r.json()
    return r.json()["ticket"]


def _second(api, ticket: str, **proof):
    with api.client() as c:
        return c.post("/v1/auth/second-factor", json={"ticket": ticket, **proof})


def test_enrol_gives_a_provisioning_uri_and_a_wrong_first_code_enables_nothing(idapi):
    token = register(idapi, "tia@example.com")
    with idapi.client(token) as c:
        enrol = c.post("/v1/auth/2fa/totp").json()
        uri = urlsplit(enrol["otpauth_uri"])
        assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
        assert uri.path == "/Flywheel:tia%40example.com"
        query = parse_qs(uri.query)
        assert query["secret"] == [enrol["secret"]] and query["issuer"] == ["Flywheel"]
        right = pyotp.TOTP(enrol["secret"]).now()
        wrong = f"{(int(right) + 1) % 10**6:06d}"
        r = c.post("/v1/auth/2fa/totp/activate", json={"code": wrong})
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_second_factor"
        assert c.get("/v1/me").json()["two_factor_enabled"] is False
    # still a one-step sign-in
    assert idapi.login("tia@example.com", "shopper-pass-1")


def test_sign_in_needs_the_second_step_and_a_code_is_never_accepted_twice(idapi):
    token, totp, recovery, step = _enable(idapi, "uma@example.com")
    assert len(recovery) == 10 and len(set(recovery)) == 10
    with idapi.client(token) as c:
        assert c.get("/v1/me").json()["two_factor_enabled"] is True
    # the activation code, replayed within its own 30 seconds, is refused
    replay = _second(idapi, _ticket(idapi, "uma@example.com"), code=totp.generate_otp(step))
    assert replay.status_code == 400
    # the next step's code (accepted: one step of drift) works once
    ticket = _ticket(idapi, "uma@example.com")
    ok = _second(idapi, ticket, code=totp.generate_otp(step + 1))
    assert ok.status_code == 200 and ok.json()["user"]["email"] == "uma@example.com"
    with idapi.client(ok.json()["token"]) as c:
        assert c.get("/v1/me").status_code == 200
    assert _second(idapi, ticket, code=totp.generate_otp(step + 1)).status_code == 400
    again = _second(idapi, _ticket(idapi, "uma@example.com"), code=totp.generate_otp(step + 1))
    assert again.status_code == 400
    signed = [e["payload"] for e in outbox(idapi, "user_signed_in")
              if e["user_id"] == ok.json()["user"]["id"]]
    assert signed == [{"method": "password", "second_factor": "totp"}]
    assert [e["payload"] for e in outbox(idapi, "two_factor_enabled")] == [
        {"kind": "totp", "recovery_codes": 10}]


def test_recovery_codes_work_once_each(idapi):
    _, _, recovery, _ = _enable(idapi, "val@example.com")
    first = _second(idapi, _ticket(idapi, "val@example.com"), recovery_code=recovery[0].upper())
    assert first.status_code == 200
    reused = _second(idapi, _ticket(idapi, "val@example.com"), recovery_code=recovery[0])
    assert reused.status_code == 400
    assert _second(idapi, _ticket(idapi, "val@example.com"),
                   recovery_code=recovery[1]).status_code == 200
    used = [e["payload"] for e in outbox(idapi, "recovery_code_used")]
    assert used == [{"remaining": 9}, {"remaining": 8}]


def test_a_ticket_dies_after_five_wrong_codes(idapi):
    _, totp, recovery, step = _enable(idapi, "wyn@example.com")
    ticket = _ticket(idapi, "wyn@example.com")
    right = totp.generate_otp(step + 1)
    wrong = [f"{(int(right) + i) % 10**6:06d}" for i in range(1, 6)]
    assert [_second(idapi, ticket, code=w).status_code for w in wrong] == [400] * 5
    assert _second(idapi, ticket, recovery_code=recovery[0]).status_code == 400
    # a fresh ticket still takes the right code: the account is not locked
    assert _second(idapi, _ticket(idapi, "wyn@example.com"), code=right).status_code == 200


def test_sign_in_by_code_also_needs_the_second_step(idapi):
    _, totp, _, step = _enable(idapi, "xia@example.com")
    with idapi.client() as c:
        ask_code(c, "email", "xia@example.com")
        r = c.post("/v1/auth/codes/verify", json={
            "channel": "email", "destination": "xia@example.com",
            "code": last_code(idapi, "xia@example.com")})
    assert r.status_code == 200 and r.json()["second_factor_required"] is True
    ok = _second(idapi, r.json()["ticket"], code=totp.generate_otp(step + 1))
    assert ok.status_code == 200
    signed = [e["payload"] for e in outbox(idapi, "user_signed_in")
              if e["user_id"] == ok.json()["user"]["id"]]
    assert signed == [{"method": "email_code", "second_factor": "totp"}]


def test_turning_it_off_needs_a_fresh_code(idapi):
    token, totp, _, step = _enable(idapi, "yan@example.com")
    with idapi.client(token) as c:
        stale = c.post("/v1/auth/2fa/totp/disable", json={"code": totp.generate_otp(step)})
        assert stale.status_code == 400
        r = c.post("/v1/auth/2fa/totp/disable", json={"code": totp.generate_otp(step + 1)})
        assert r.status_code == 204
        assert c.get("/v1/me").json()["two_factor_enabled"] is False
    assert idapi.login("yan@example.com", "shopper-pass-1")


def test_one_code_sent_twice_at_once_signs_in_once(idapi):
    _, totp, _, step = _enable(idapi, "zed@example.com")
    tickets = [_ticket(idapi, "zed@example.com") for _ in range(4)]
    code = totp.generate_otp(step + 1)
    with ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(lambda t: _second(idapi, t, code=code).status_code, tickets))
    assert codes == [200, 400, 400, 400]
