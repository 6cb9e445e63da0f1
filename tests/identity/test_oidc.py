"""Sign-in through OpenID Connect against a sandbox provider on loopback (oidc_provider.py):
the whole flow through the API, linking by verified email, and every refusal leaving
nothing behind."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from sqlalchemy import func, select

from tests.conftest import free_port, make_settings, register, run_api
from tests.identity.conftest import _clear_throttles, outbox
from tests.identity.oidc_provider import Person, SandboxProvider, new_key, serve
from transactional_api.accounts.models import User
from transactional_api.accounts.oidc_models import OidcLink

SECRETS = {"shop": "shop-secret-123", "shop-backup": "backup-secret-456"}
SIGN_IN_EVENTS = ("user_registered", "user_signed_in", "identity_linked")


@pytest.fixture(scope="module")
def provider():
    yield from serve(SandboxProvider(clients=dict(SECRETS)))


@pytest.fixture
def oidc_api(tmp_path, redis_server, provider):
    provider.reset()
    _clear_throttles(redis_server.url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    providers = [
        {"name": name, "display_name": f"{name.title()} ID", "issuer": provider.issuer,
         "client_id": client, "client_secret": SECRETS[client],
         "redirect_uri": f"{base}/v1/auth/oidc/{name}/callback"}
        for name, client in (("sandbox", "shop"), ("backup", "shop-backup"))]
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     oidc_providers=providers), port=port)


def _start(api, name: str = "sandbox") -> str:
    with api.client() as c:
        r = c.get(f"/v1/auth/oidc/{name}/start")
    assert r.status_code == 200, r.text
    return r.json()["authorization_url"]


def _authorize(provider: SandboxProvider, url: str, person: Person) -> str:
    """The shopper signs in at the provider; the callback URL it sends the browser to."""
    provider.next_person = person
    r = httpx.get(url)
    assert r.status_code == 302, r.text
    return r.headers["location"]


def sign_in(api, provider, person: Person, name: str = "sandbox") -> tuple[httpx.Response, str]:
    callback = _authorize(provider, _start(api, name), person)
    with api.client() as c:
        return c.get(callback), callback


def _counts(api) -> tuple[int, int, int]:
    """Users, links, sign-in events (one session at a time: each one holds the write gate)."""
    with api.sessions() as s:
        users = s.scalar(select(func.count()).select_from(User))
        links = s.scalar(select(func.count()).select_from(OidcLink))
    return users, links, len(outbox(api, *SIGN_IN_EVENTS))


def _error(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


def test_a_new_identity_signs_up_then_signs_in_to_the_same_account(oidc_api, provider):
    url = _start(oidc_api)
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["response_type"] == ["code"]
    assert query["client_id"] == ["shop"] and "openid" in query["scope"][0].split()
    assert len(query["nonce"][0]) >= 32 and len(query["code_challenge"][0]) == 43

    with oidc_api.client() as c:
        r = c.get(_authorize(provider, url, Person("sub-ann", "Ann@Example.com")))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["created"] is True and body["linked"] == "sign_up"
    assert body["user"]["email"] == "ann@example.com" and body["user"]["role"] == "shopper"
    # the provider saw the PKCE verifier and our client secret (it refuses otherwise)
    assert len(provider.token_requests[-1]["code_verifier"]) >= 43
    with oidc_api.client(body["token"]) as c:
        assert c.get("/v1/me").json()["id"] == body["user"]["id"]
        ids = c.get("/v1/me/identities").json()["items"]
    assert [(i["provider"], i["display_name"], i["email"]) for i in ids] == [
        ("sandbox", "Sandbox ID", "ann@example.com")]

    again, _ = sign_in(oidc_api, provider, Person("sub-ann", "ann@example.com"))
    assert again.status_code == 200, again.text
    assert again.json()["user"]["id"] == body["user"]["id"]
    assert (again.json()["created"], again.json()["linked"]) == (False, None)
    uid = body["user"]["id"]
    assert [e["payload"] for e in outbox(oidc_api, "user_registered") if e["user_id"] == uid] \
        == [{"method": "oidc:sandbox", "has_email": True, "has_phone": False}]
    assert [e["payload"] for e in outbox(oidc_api, "identity_linked")] == [
        {"provider": "sandbox", "via": "sign_up"}]
    assert [e["payload"] for e in outbox(oidc_api, "user_signed_in") if e["user_id"] == uid] \
        == [{"method": "oidc:sandbox", "second_factor": None}] * 2


def test_a_verified_email_links_to_the_existing_account(oidc_api, provider):
    token = register(oidc_api, "bea@example.com")
    with oidc_api.client(token) as c:
        uid = c.get("/v1/me").json()["id"]
    r, _ = sign_in(oidc_api, provider, Person("sub-bea", "BEA@example.com", "true"))
    assert r.status_code == 200, r.text
    assert r.json()["user"]["id"] == uid
    assert (r.json()["created"], r.json()["linked"]) == (False, "verified_email")
    assert [e["payload"] for e in outbox(oidc_api, "identity_linked")] == [
        {"provider": "sandbox", "via": "verified_email"}]
    # the password still works, and the link is what signs in next time, whatever the email
    assert oidc_api.login("bea@example.com", "shopper-pass-1")
    r, _ = sign_in(oidc_api, provider, Person("sub-bea", "bea.new@example.com"))
    assert r.status_code == 200 and r.json()["user"]["id"] == uid


@pytest.mark.parametrize("verified", [False, None, "yes"])
def test_an_unverified_email_never_reaches_an_existing_account(oidc_api, provider, verified):
    register(oidc_api, "cal@example.com")
    before = _counts(oidc_api)
    r, callback = sign_in(oidc_api, provider, Person("sub-mallory", "cal@example.com",
                                                      verified))
    assert _error(r) == (409, "oidc_email_unverified")
    assert _counts(oidc_api) == before
    with oidc_api.client() as c:  # and the state is spent
        assert _error(c.get(callback)) == (400, "oidc_invalid_state")


def test_an_unverified_email_of_nobody_signs_up_without_an_email(oidc_api, provider):
    r, _ = sign_in(oidc_api, provider, Person("sub-dot", "dot@example.com", False))
    assert r.status_code == 201 and r.json()["user"]["email"] is None
    # the address stays free for whoever proves it later
    token = register(oidc_api, "dot@example.com")
    with oidc_api.client(token) as c:
        assert c.get("/v1/me").json()["id"] != r.json()["user"]["id"]


def test_a_state_works_once_even_when_two_callbacks_race(oidc_api, provider):
    callback = _authorize(provider, _start(oidc_api), Person("sub-eve", "eve@example.com"))

    def call(_):
        with oidc_api.client() as c:
            return c.get(callback).status_code

    with ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(call, range(4)))
    assert codes == [201, 400, 400, 400]
    assert _counts(oidc_api)[:2] == (2, 1)  # the admin and eve; one link


def test_unknown_missing_or_foreign_states_and_providers_are_refused(oidc_api, provider):
    before = _counts(oidc_api)
    callback = _authorize(provider, _start(oidc_api, "backup"), Person("sub-fay"))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    state = parse_qs(urlsplit(callback).query)["state"][0]
    with oidc_api.client() as c:
        assert _error(c.get("/v1/auth/oidc/nope/start")) == (404, "oidc_provider_unknown")
        assert _error(c.get("/v1/auth/oidc/nope/callback", params={"code": code,
                                                                   "state": state})) \
            == (404, "oidc_provider_unknown")
        missing = c.get("/v1/auth/oidc/sandbox/callback", params={"code": code})
        assert _error(missing) == (400, "oidc_invalid_state")
        made_up = c.get("/v1/auth/oidc/sandbox/callback",
                        params={"code": code, "state": "x" * 43})
        assert _error(made_up) == (400, "oidc_invalid_state")
        # a state started for "backup" does not finish at "sandbox", and is spent by trying
        foreign = c.get("/v1/auth/oidc/sandbox/callback", params={"code": code,
                                                                  "state": state})
        assert _error(foreign) == (400, "oidc_invalid_state")
        assert _error(c.get(callback)) == (400, "oidc_invalid_state")
        denied = c.get("/v1/auth/oidc/sandbox/callback", params={
            "state": parse_qs(urlsplit(_start(oidc_api)).query)["state"][0],
            "error": "access_denied"})
        assert _error(denied) == (400, "oidc_denied")
        bad_code = c.get("/v1/auth/oidc/sandbox/callback", params={
            "state": parse_qs(urlsplit(_start(oidc_api)).query)["state"][0],
            "code": "not-a-code"})
        assert _error(bad_code) == (400, "oidc_code_rejected")
    assert _counts(oidc_api) == before


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"nonce": "someone-elses-nonce"}, "claim:nonce"),
    ({"nonce": None}, "claim:nonce"),
    ({"sub": None}, "claim:sub"),
    ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, "expired"),
    ({"iss": "https://impostor.example"}, "claim:iss"),
    ({"aud": "another-client"}, "claim:aud"),
    ({"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}, "claim:at_hash"),
])
def test_an_id_token_with_wrong_claims_creates_nothing(oidc_api, provider, overrides, reason):
    before = _counts(oidc_api)
    provider.claim_overrides = overrides
    r, _ = sign_in(oidc_api, provider, Person("sub-gil", "gil@example.com"))
    assert _error(r) == (400, "oidc_invalid_id_token")
    assert r.json()["error"]["details"]["reason"] == reason
    assert _counts(oidc_api) == before


@pytest.mark.parametrize(("tamper", "reason"), [
    ("signature", "bad_signature"), ("foreign_key", "bad_signature"), ("hs256", "algorithm")])
def test_an_id_token_not_signed_by_the_providers_key_creates_nothing(oidc_api, provider,
                                                                       tamper, reason):
    before = _counts(oidc_api)
    provider.tamper = tamper
    r, _ = sign_in(oidc_api, provider, Person("sub-hal", "hal@example.com"))
    assert _error(r) == (400, "oidc_invalid_id_token")
    assert r.json()["error"]["details"]["reason"] == reason
    assert _counts(oidc_api) == before


def test_a_token_issued_for_the_other_client_does_not_sign_in_here(oidc_api, provider):
    # both registrations share the issuer: audience and the code's client keep them apart
    provider.claim_overrides = {"aud": "shop"}
    r, _ = sign_in(oidc_api, provider, Person("sub-ida", "ida@example.com"), name="backup")
    assert r.json()["error"]["details"]["reason"] == "claim:aud"


def test_a_rotated_signing_key_is_fetched_again(oidc_api, provider):
    assert sign_in(oidc_api, provider, Person("sub-jon"))[0].status_code == 201  # keys cached
    old = provider.key
    provider.key = new_key("k2")
    try:
        r, _ = sign_in(oidc_api, provider, Person("sub-jon"))
        assert r.status_code == 200, r.text
    finally:
        provider.key = old


def test_two_factor_accounts_still_need_their_second_factor(oidc_api, provider):
    token = register(oidc_api, "kim@example.com")
    with oidc_api.client(token) as c:
        totp = pyotp.TOTP(c.post("/v1/auth/2fa/totp").json()["secret"])
        step = totp.timecode(time.time())
        assert c.post("/v1/auth/2fa/totp/activate",
                      json={"code": totp.generate_otp(step)}).status_code == 200
    r, _ = sign_in(oidc_api, provider, Person("sub-kim", "kim@example.com"))
    assert r.status_code == 200 and r.json()["second_factor_required"] is True
    assert "token" not in r.json()
    assert outbox(oidc_api, "user_signed_in") == []
    wrong_code = f"{(int(totp.generate_otp(step + 1)) + 1) % 10**6:06d}"
    with oidc_api.client() as c:
        wrong = c.post("/v1/auth/second-factor", json={
            "ticket": r.json()["ticket"], "code": wrong_code})
        assert wrong.status_code == 400
        ok = c.post("/v1/auth/second-factor", json={
            "ticket": r.json()["ticket"], "code": totp.generate_otp(step + 1)})
    assert ok.status_code == 200, ok.text
    assert ok.json()["user"]["email"] == "kim@example.com"
    assert [e["payload"] for e in outbox(oidc_api, "user_signed_in")] == [
        {"method": "oidc:sandbox", "second_factor": "totp"}]


def test_unlinking_keeps_at_least_one_way_to_sign_in(oidc_api, provider):
    # no password, no email (unverified), no phone: the link is the only way in
    lone = sign_in(oidc_api, provider, Person("sub-lou", "lou@example.com", False))[0].json()
    with oidc_api.client(lone["token"]) as c:
        assert _error(c.delete("/v1/me/identities/sandbox")) == (409, "last_sign_in_method")
        assert _error(c.delete("/v1/me/identities/backup")) == (404, "oidc_link_not_found")
        assert len(c.get("/v1/me/identities").json()["items"]) == 1
    # a second provider makes the first one removable
    linked = sign_in(oidc_api, provider, Person("sub-lou-2", "lou@example.com"), "backup")[0]
    assert linked.status_code == 201  # the email was never verified here: a new account
    token = register(oidc_api, "max@example.com")
    assert sign_in(oidc_api, provider, Person("sub-max", "max@example.com"))[0].status_code \
        == 200
    with oidc_api.client(token) as c:
        assert c.delete("/v1/me/identities/sandbox").status_code == 204
        assert c.get("/v1/me/identities").json()["items"] == []
    assert [e["payload"] for e in outbox(oidc_api, "identity_unlinked")] == [
        {"provider": "sandbox"}]
    # signing in again links again, by the verified email
    again = sign_in(oidc_api, provider, Person("sub-max", "max@example.com"))[0]
    assert again.json()["linked"] == "verified_email"


def test_deleting_the_account_removes_its_links(oidc_api, provider):
    token = register(oidc_api, "ned@example.com")
    assert sign_in(oidc_api, provider, Person("sub-ned", "ned@example.com"))[0].status_code \
        == 200
    with oidc_api.client(token) as c:
        r = c.request("DELETE", "/v1/me", json={"password": "shopper-pass-1"})
        assert r.status_code == 200, r.text
    assert _counts(oidc_api)[1] == 0
    # the same identity later is a stranger: a new account
    assert sign_in(oidc_api, provider, Person("sub-ned"))[0].status_code == 201


def test_start_can_redirect_and_lists_the_providers(oidc_api, provider):
    with oidc_api.client() as c:
        names = c.get("/v1/auth/oidc/providers").json()["items"]
        r = c.get("/v1/auth/oidc/sandbox/start", params={"redirect": "true"})
    assert [n["name"] for n in names] == ["sandbox", "backup"]
    assert r.status_code == 302
    assert r.headers["location"].startswith(f"{provider.issuer}/authorize?")


def test_no_server_errors_on_the_oidc_operations(oidc_api, provider):
    import schemathesis

    from tests.fuzzing import fuzz_operation

    provider.next_person = Person("sub-fuzz", "fuzz@example.com")
    token = register(oidc_api, "fuzzer@example.com")
    schema = schemathesis.openapi.from_url(f"{oidc_api.url}/openapi.json", timeout=120)
    operations = [r.ok() for r in schema.get_all_operations()
                  if "/oidc/" in r.ok().path or "/identities" in r.ok().path]
    assert len(operations) == 5
    for operation in operations:
        fuzz_operation(operation, base_url=oidc_api.url, max_examples=15,
                       header_sets=[{}, {"Authorization": f"Bearer {token}"}])


def test_random_callbacks_at_a_real_provider_are_refused_and_create_nothing(oidc_api,
                                                                             provider):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    before = _counts(oidc_api)
    text = st.one_of(st.none(), st.text(max_size=60), st.just("x" * 43))

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(code=text, state=text, error=text)
    def fuzz(code, state, error):
        params = {k: v for k, v in (("code", code), ("state", state), ("error", error))
                  if v is not None}
        with oidc_api.client() as c:
            r = c.get("/v1/auth/oidc/sandbox/callback", params=params)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] == "oidc_invalid_state"

    fuzz()
    assert _counts(oidc_api) == before
