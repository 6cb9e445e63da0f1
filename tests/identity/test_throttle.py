"""Throttles in Redis: per address, per account and per destination, 429 with Retry-After,
no lock-out of an account's owner, and the same budgets for unknown and known accounts.

The `strict` API allows 3 sign-ins a minute per account and 6 per client address; 2 codes
an hour per destination and 4 per address. Client addresses are set with X-Forwarded-For,
which uvicorn honours from loopback only.
"""

from __future__ import annotations

from tests.conftest import register
from tests.identity.conftest import ask_code


def _from(api, address: str):
    return api.client(**{"X-Forwarded-For": address})


def _login(c, email, password="wrong-password-1"):
    return c.post("/v1/auth/login", json={"email": email, "password": password})


def test_codes_are_limited_per_destination_then_per_address(strict):
    with _from(strict, "10.1.0.1") as c:
        assert [ask_code(c, "email", "a@example.com").status_code for _ in range(2)] == [202] * 2
        r = ask_code(c, "email", "a@example.com")
        assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
        # 2 an hour: the next token is 1800 s away (a few seconds less once time passes)
        assert 1790 <= int(r.headers["Retry-After"]) <= 1800
        # the address paid for that refused request (its own budget is checked first), so
        # it has 1 of its 4 left: another destination gets one code, then the address is out
        assert ask_code(c, "phone", "+14155550100").status_code == 202
        r = ask_code(c, "phone", "+14155550101")
        assert r.status_code == 429 and 890 <= int(r.headers["Retry-After"]) <= 900
    with _from(strict, "10.1.0.2") as c:  # the destination's budget holds for everyone
        assert ask_code(c, "email", "a@example.com").status_code == 429
        assert ask_code(c, "email", "b@example.com").status_code == 202


def test_an_attacker_cannot_lock_the_owner_out_of_their_usual_address(strict):
    with _from(strict, "10.2.0.7") as c:
        c.post("/v1/auth/register", json={"email": "own@example.com",
                                          "password": "owner-pass-1"})
        assert _login(c, "own@example.com", "owner-pass-1").status_code == 200
    # the owner's first sign-in spent 1 of the account's 3: the attacker gets two tries
    with _from(strict, "10.2.0.66") as attacker:
        codes = [_login(attacker, "own@example.com").status_code for _ in range(3)]
        assert codes == [401, 401, 429]
    with _from(strict, "10.2.0.8") as stranger:  # the account's budget is spent for others
        assert _login(stranger, "own@example.com", "owner-pass-1").status_code == 429
    with _from(strict, "10.2.0.7") as owner:  # but the owner's address signed in before
        assert [_login(owner, "own@example.com", "owner-pass-1").status_code
                for _ in range(3)] == [200] * 3


def test_one_address_runs_dry_across_accounts(strict):
    with _from(strict, "10.3.0.9") as c:
        codes = [_login(c, f"user{i}@example.com").status_code for i in range(7)]
    assert codes == [401] * 6 + [429]


def test_unknown_and_known_accounts_are_throttled_alike(strict):
    register(strict, "real@example.com")
    answers = {}
    for email, address in (("real@example.com", "10.4.0.1"), ("fake@example.com", "10.4.0.2")):
        with _from(strict, address) as c:
            answers[email] = [(r.status_code, r.json()["error"]["code"])
                              for r in (_login(c, email) for _ in range(4))]
    assert answers["real@example.com"] == answers["fake@example.com"] == [
        (401, "invalid_credentials")] * 3 + [(429, "rate_limited")]


def test_registrations_spend_the_address_budget(strict):
    with _from(strict, "10.5.0.3") as c:
        codes = [c.post("/v1/auth/register", json={"email": f"new{i}@example.com",
                                                    "password": "new-pass-1"}).status_code
                 for i in range(7)]
    assert codes == [201] * 6 + [429]


def test_code_sign_in_guesses_spend_the_destination_budget(strict):
    with _from(strict, "10.6.0.4") as c:
        ask_code(c, "phone", "+14155550177")
        body = {"channel": "phone", "destination": "+14155550177", "code": "000000"}
        codes = [c.post("/v1/auth/codes/verify", json=body).status_code for _ in range(4)]
    # 000000 is the real code one time in a million; then the first answer is 201
    assert codes[1:] == [400, 400, 429]
