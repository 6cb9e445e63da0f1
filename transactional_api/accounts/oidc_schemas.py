"""Bodies of sign-in through OpenID providers and of the account's linked identities."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from transactional_api.accounts.schemas import AuthOut


class OidcProviderOut(BaseModel):
    name: str
    display_name: str


class OidcProvidersOut(BaseModel):
    items: list[OidcProviderOut]


class OidcStartOut(BaseModel):
    """Send the shopper's browser to authorization_url; the provider comes back to the
    configured redirect URI with ?code=&state=, which go to the callback route unchanged."""

    provider: str
    authorization_url: str
    state: str
    expires_in_seconds: int


class OidcAuthOut(AuthOut):
    created: bool = Field(description="True when this sign-in created the account")
    linked: Literal["sign_up", "verified_email"] | None = Field(
        description="How this sign-in linked the identity; None: it was linked already")


class LinkedIdentityOut(BaseModel):
    provider: str
    display_name: str
    email: str | None = Field(description="As the provider last reported it")
    linked_at: datetime
    last_signed_in_at: datetime | None


class LinkedIdentitiesOut(BaseModel):
    items: list[LinkedIdentityOut]
