"""The OpenID Connect providers an operator configures (FLYWHEEL_OIDC_PROVIDERS, a JSON list).

Only pydantic here: config.py imports this module, so it must not import settings back.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, model_validator

PROVIDER_NAME = r"^[a-z0-9][a-z0-9_-]{0,23}$"
ProviderName = Annotated[str, Field(pattern=PROVIDER_NAME)]
LOOPBACK_HOSTS = {"localhost"}


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def secure_url(value: str) -> str:
    """https, or plain http to a loopback host only (a sandbox provider on this machine):
    the ID token's keys and the token exchange must not cross a network in the clear."""
    parts = urlsplit(value)
    if not parts.netloc or parts.scheme not in ("https", "http"):
        raise ValueError("must be an absolute http(s) URL")
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        raise ValueError("must use https (plain http is allowed on loopback only)")
    return value


SecureUrl = Annotated[str, Field(max_length=500), AfterValidator(secure_url)]


class OidcProvider(BaseModel):
    """One relying-party registration at an OpenID provider."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ProviderName = Field(description="In the URLs (/v1/auth/oidc/{name}/...) and events")
    display_name: str | None = Field(None, max_length=100)
    issuer: SecureUrl = Field(description="Must equal the discovery document's issuer and "
                              "every ID token's iss")
    discovery_url: SecureUrl | None = Field(
        None, description="Unset: {issuer}/.well-known/openid-configuration")
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: SecretStr | None = Field(None, description="Unset: a public client (PKCE)")
    token_endpoint_auth_method: Literal["client_secret_basic", "client_secret_post"] = \
        "client_secret_basic"
    redirect_uri: str = Field(min_length=1, max_length=500,
                              description="Registered at the provider; the page (or this "
                              "API's callback route) that receives ?code=&state=")
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    link_by_email: bool = Field(
        True, description="Link a first sign-in to the account holding the same email, "
        "when the provider says the email is verified")

    @model_validator(mode="after")
    def _openid_scope(self):
        if "openid" not in self.scopes:
            raise ValueError("scopes must include openid")
        return self

    @property
    def discovery(self) -> str:
        return self.discovery_url or \
            self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def auth_method(self) -> str:
        return "none" if self.client_secret is None else self.token_endpoint_auth_method


def check_unique(providers: list[OidcProvider]) -> list[OidcProvider]:
    names = [p.name for p in providers]
    if len(names) != len(set(names)):
        raise ValueError("OIDC provider names must be unique")
    return providers
