"""Sign-up and sign-in by a one-time code to an email or a phone, codes at rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text, update

from tests.conftest import register
from tests.identity.conftest import ask_code, last_code, messages, outbox, sign_in_by_code
from transactional_api.accounts.identity_models import IdentityCode


def _verify(c, channel, destination, code):
    return c.post("/v1/auth/codes/verify",
                  json={"channel": channel, "destination": destination, "code": code})


def test_email_code_signs_up_then_signs_in_the_same_account(idapi):
    with idapi.client() as c:
        r = ask_code(c, "email", "  Nia@Example.com ")
        assert r.status_code == 202
        assert r.json() == {"status": "sent", "expires_in_seconds": 600}
        sent = messages(idapi, "nia@example.com")
        assert len(sent) == 1 and sent[0]["channel"] == "email"
        assert sent[0]["purpose"] == "sign_in" and "expires in 10 minutes" in sent[0]["body"]
        first = _verify(c, "email", "nia@example.com", last_code(idapi, "nia@example.com"))
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["created"] is True and body["user"]["email"] == "nia@example.com"
    with idapi.client(body["token"]) as c:
        me = c.get("/v1/me").json()
    assert me["id"] == body["user"]["id"] and me["phone"] is None
    again = sign_in_by_code(idapi, "email", "nia@example.com")
    assert again["created"] is False and again["user"]["id"] == body["user"]["id"]
    # a password account signs in by code to its email as well
    token = register(idapi, "pat@example.com")
    with idapi.client(token) as c:
        pat_id = c.get("/v1/me").json()["id"]
    assert sign_in_by_code(idapi, "email", "pat@example.com")["user"]["id"] == pat_id


def test_phone_sign_up_takes_e164_only(idapi):
    with idapi.client() as c:
        for bad in ("4155550123", "+0155550123", "+1 415 555 01x3", "+1234", "+1" + "2" * 15):
            r = ask_code(c, "phone", bad)
            assert r.status_code == 422, bad
    out = sign_in_by_code(idapi, "phone", "+1 (415) 555-0123")
    assert out["created"] is True
    assert out["user"]["phone"] == "+14155550123" and out["user"]["email"] is None
    with idapi.client(out["token"]) as c:
        me = c.get("/v1/me").json()
    assert me["phone"] == "+14155550123" and me["email"] is None
    # a phone account has no password: password sign-in by phone fails like a wrong one
    with idapi.client() as c:
        r = c.post("/v1/auth/login", json={"phone": "+14155550123", "password": "anything-1"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials"
    again = sign_in_by_code(idapi, "phone", "+14155550123")
    assert again["user"]["id"] == out["user"]["id"] and again["created"] is False


def test_wrong_expired_used_and_retired_codes_are_refused(idapi):
    dest = "wes@example.com"
    with idapi.client() as c:
        ask_code(c, "email", dest)
        code = last_code(idapi, dest)
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        r = _verify(c, "email", dest, wrong)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_code"
        assert _verify(c, "email", dest, code).status_code == 201
        assert _verify(c, "email", dest, code).status_code == 400  # single use

        ask_code(c, "email", dest)
        old = last_code(idapi, dest)
        ask_code(c, "email", dest)
        new = last_code(idapi, dest)
        if old != new:  # one chance in a million they are equal
            assert _verify(c, "email", dest, old).status_code == 400  # retired by the new one
        with idapi.sessions() as s, s.begin():
            s.execute(update(IdentityCode).where(IdentityCode.consumed_at.is_(None)).values(
                expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        assert _verify(c, "email", dest, new).status_code == 400  # expired


def test_a_code_dies_after_five_wrong_guesses(idapi):
    dest = "+447700900123"
    with idapi.client() as c:
        ask_code(c, "phone", dest)
        code = last_code(idapi, dest)
        wrong = [f"{(int(code) + i) % 10**6:06d}" for i in range(1, 6)]
        assert [_verify(c, "phone", dest, w).status_code for w in wrong] == [400] * 5
        r = _verify(c, "phone", dest, code)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_code"


def test_codes_and_destinations_are_not_stored_in_clear(idapi):
    dest = "hide@example.com"
    with idapi.client() as c:
        ask_code(c, "email", dest)
    code = last_code(idapi, dest)
    with idapi.sessions() as s:
        rows = s.execute(text("SELECT * FROM identity_codes")).mappings().all()
    assert len(rows) == 1
    dumped = " ".join(str(v) for v in rows[0].values())
    assert code not in dumped and "hide" not in dumped
    assert len(rows[0]["code_hash"]) == 64 and rows[0]["attempts"] == 0


def test_known_and_unknown_addresses_get_the_same_answers(idapi):
    register(idapi, "known@example.com")
    with idapi.client() as c:
        for purpose in ("sign_in", "password_reset"):
            known = ask_code(c, "email", "known@example.com", purpose)
            unknown = ask_code(c, "email", "nobody@example.com", purpose)
            assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
        k = c.post("/v1/auth/login", json={"email": "known@example.com", "password": "wrong-1"})
        u = c.post("/v1/auth/login", json={"email": "nobody@example.com", "password": "wrong-1"})
        assert (k.status_code, k.json()["error"]) == (u.status_code, u.json()["error"])
    # the owner of an unknown address learns why they got a message; no usable code in it
    body = messages(idapi, "nobody@example.com")[0]["body"]
    assert "no account uses it" in body and not any(ch.isdigit() for ch in body)


def test_sign_in_flows_emit_identity_events_without_personal_data(idapi):
    out = sign_in_by_code(idapi, "phone", "+15005550006")
    sign_in_by_code(idapi, "phone", "+15005550006")
    uid = out["user"]["id"]
    events = [e for e in outbox(idapi, "otp_requested", "user_registered", "user_signed_in")
              if e["user_id"] in (None, uid)]  # not the operator reading the messages
    assert [e["event_type"] for e in events] == [
        "otp_requested", "user_registered", "user_signed_in", "otp_requested",
        "user_signed_in"]
    assert all(e["user_id"] == uid for e in events[1:])
    assert events[0]["user_id"] is None  # asked before the account existed
    assert events[1]["payload"] == {"method": "phone_code", "has_email": False,
                                    "has_phone": True}
    assert events[2]["payload"] == {"method": "phone_code", "second_factor": None}
    assert events[3]["payload"] == {"channel": "phone", "purpose": "sign_in"}
    assert "5005550006" not in str(events)


def test_sandbox_messages_are_for_operators_only(idapi):
    token = register(idapi, "eve@example.com")
    with idapi.client(token) as c:
        r = c.get("/v1/admin/sandbox/messages", params={"to": "eve@example.com"})
        assert r.status_code == 403
    with idapi.client() as c:
        assert c.get("/v1/admin/sandbox/messages",
                     params={"to": "eve@example.com"}).status_code == 401


def test_every_failed_password_sign_in_costs_one_argon2_verify(idapi, monkeypatch):
    """Unknown account, account without a password, wrong password: the same work each, so
    the time taken does not tell them apart."""
    from transactional_api.accounts import passwords

    register(idapi, "has-pass@example.com")
    sign_in_by_code(idapi, "email", "no-pass@example.com")
    real, calls = passwords._hasher, []

    class Spy:
        def verify(self, stored, password):
            calls.append(stored.startswith("$argon2"))
            return real.verify(stored, password)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    with idapi.client() as c:
        for email in ("has-pass@example.com", "no-pass@example.com", "nobody@example.com"):
            r = c.post("/v1/auth/login", json={"email": email, "password": "guess-guess-1"})
            assert r.status_code == 401
    assert calls == [True, True, True]
