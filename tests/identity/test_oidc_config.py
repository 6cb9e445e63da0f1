"""Provider settings: what an operator may configure, and names that events can carry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from transactional_api.accounts import oidc
from transactional_api.accounts.oidc_config import PROVIDER_NAME, OidcProvider
from transactional_api.config import Settings
from transactional_api.events import identity_events as ie

BASE = {"name": "acme", "issuer": "https://id.acme.example", "client_id": "shop",
        "redirect_uri": "https://shop.example/oidc/callback"}


def test_none_by_default_and_json_from_the_environment(monkeypatch, tmp_path):
    assert Settings(var_dir=tmp_path).oidc_providers == []
    monkeypatch.setenv("FLYWHEEL_OIDC_PROVIDERS", '[{"name": "acme", "issuer": '
                       '"https://id.acme.example", "client_id": "shop", "client_secret": '
                       '"s3cret", "redirect_uri": "https://shop.example/cb"}]')
    (p,) = Settings(var_dir=tmp_path).oidc_providers
    assert p.discovery == "https://id.acme.example/.well-known/openid-configuration"
    assert p.auth_method == "client_secret_basic" and "s3cret" not in repr(p)


@pytest.mark.parametrize("change", [
    {"issuer": "http://id.acme.example"},          # plain http off loopback
    {"discovery_url": "ftp://id.acme.example/x"},
    {"scopes": ["email"]},                         # no openid
    {"name": "Acme"}, {"name": "a" * 25}, {"name": "-acme"},
    {"client_id": ""},
])
def test_unsafe_or_malformed_providers_are_refused(change):
    with pytest.raises(ValidationError):
        OidcProvider(**{**BASE, **change})


def test_loopback_http_is_allowed_for_sandboxes_and_names_are_unique(tmp_path):
    for host in ("127.0.0.1:9000", "localhost", "[::1]:8080"):
        OidcProvider(**{**BASE, "issuer": f"http://{host}"})
    with pytest.raises(ValidationError):
        Settings(var_dir=tmp_path, oidc_providers=[BASE, {**BASE, "client_id": "other"}])


@given(st.from_regex(PROVIDER_NAME, fullmatch=True))
def test_every_valid_provider_name_makes_a_method_the_event_contract_takes(name):
    method = oidc.method(name)
    assert ie.UserSignedInPayload(method=method).method == method
    assert ie.UserRegisteredPayload(method=method, has_email=False, has_phone=False)
    assert ie.IdentityLinkedPayload(provider=name, via="sign_up").provider == name


@given(st.text(max_size=30).filter(lambda s: not s.startswith("oidc:")))
def test_other_methods_stay_refused(method):
    if method in ("password", "email_code", "phone_code"):
        return
    with pytest.raises(ValidationError):
        ie.UserSignedInPayload(method=method)
