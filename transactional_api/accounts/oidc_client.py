"""Talking to an OpenID provider as a relying party: discovery, signing keys, the
authorization URL (code flow, PKCE S256, state, nonce), the code exchange and the ID token's
validation. The protocol pieces are authlib's (grant URI, token request, client
authentication, ID token claims) and joserfc's (JWS over the provider's JWKS); the HTTP is
httpx with a timeout, called from worker threads.

Nothing here touches the database: a failure raises before any account is read or written.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
    UnsupportedAlgorithmError,
)
from joserfc.jwk import KeySet

from transactional_api.accounts.contacts import normalise_email
from transactional_api.accounts.oidc_config import OidcProvider, secure_url
from transactional_api.core.errors import DomainError, NotFound

# Signatures only by the provider's published public keys: "none" and the HMAC algorithms
# (keyed with the client secret, which this side also holds) are never accepted.
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
              "ES512", "EdDSA")
METADATA_TTL_SECONDS = 3600


class OidcRefused(DomainError):
    status_code = 400
    code = "oidc_refused"


class ProviderUnavailable(DomainError):
    status_code = 503
    code = "oidc_provider_unavailable"
    headers = {"Retry-After": "5"}


class InvalidIdToken(DomainError):
    status_code = 400
    code = "oidc_invalid_id_token"

    def __init__(self, reason: str, message: str = "the provider's ID token is not valid"):
        super().__init__(message, details={"reason": reason})


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in. email is None when absent or not an address."""

    subject: str
    email: str | None
    email_verified: bool


def _verified(value: Any) -> bool:
    # Some providers send the claim as the string "true"; anything else is not verified.
    return value is True or value == "true"


class ProviderClient:
    """One configured provider; its discovery document and keys are cached per process."""

    def __init__(self, provider: OidcProvider, *, timeout_seconds: float, leeway_seconds: int):
        self.provider = provider
        self.timeout = timeout_seconds
        self.leeway = leeway_seconds
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None

    # --- discovery and keys -------------------------------------------------------------
    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=self.timeout, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"the provider's {what} could not be read",
                                      details={"provider": self.provider.name}) from exc
        if not isinstance(body, dict):
            raise ProviderUnavailable(f"the provider's {what} is not a JSON object",
                                      details={"provider": self.provider.name})
        return body

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is not None and \
                    time.monotonic() - self._metadata_at < METADATA_TTL_SECONDS:
                return self._metadata
        doc = self._get_json(self.provider.discovery, "discovery document")
        # OpenID Connect Discovery 1.0, section 4.3: the issuer must be the one configured.
        problem = None if doc.get("issuer") == self.provider.issuer else "issuer differs"
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            try:
                secure_url(str(doc.get(field) or ""))
            except ValueError:
                problem = problem or f"{field} missing or not https"
        if problem:
            raise ProviderUnavailable("the provider's discovery document is not usable",
                                      details={"provider": self.provider.name,
                                               "reason": problem})
        with self._lock:
            self._metadata, self._metadata_at = doc, time.monotonic()
        return doc

    def key_set(self, *, refresh: bool = False) -> KeySet:
        with self._lock:
            if self._keys is not None and not refresh:
                return self._keys
        jwks = self._get_json(self.metadata()["jwks_uri"], "signing keys")
        try:
            keys = KeySet.import_key_set(jwks)
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise ProviderUnavailable("the provider's signing keys are not usable",
                                      details={"provider": self.provider.name}) from exc
        with self._lock:
            self._keys = keys
        return keys

    def algorithms(self) -> list[str]:
        offered = self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
        return [a for a in offered if a in ASYMMETRIC] or ["RS256"]

    # --- the flow -----------------------------------------------------------------------
    def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        p = self.provider
        return prepare_grant_uri(
            self.metadata()["authorization_endpoint"], client_id=p.client_id,
            response_type="code", redirect_uri=p.redirect_uri, scope=p.scopes, state=state,
            nonce=nonce, code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256")

    def exchange(self, *, code: str, code_verifier: str) -> dict[str, Any]:
        """The token response for an authorization code (RFC 6749 4.1.3, RFC 7636)."""
        p = self.provider
        url = self.metadata()["token_endpoint"]
        body = prepare_token_request("authorization_code", redirect_uri=p.redirect_uri,
                                     code=code, code_verifier=code_verifier)
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/json"}
        secret = p.client_secret.get_secret_value() if p.client_secret else None
        url, headers, body = ClientAuth(p.client_id, secret, p.auth_method).prepare(
            "POST", url, headers, body)
        try:
            response = httpx.post(url, content=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise ProviderUnavailable("the provider's token endpoint did not answer",
                                      details={"provider": p.name}) from exc
        if response.status_code >= 500:
            raise ProviderUnavailable("the provider's token endpoint failed",
                                      details={"provider": p.name})
        try:
            token = response.json()
        except ValueError:
            token = None
        if response.status_code != 200 or not isinstance(token, dict) or "error" in token:
            error = token.get("error") if isinstance(token, dict) else None
            raise OidcRefused("the provider refused the authorization code",
                              code="oidc_code_rejected",
                              details={"provider": p.name, "error": str(error)[:100]})
        if not isinstance(token.get("id_token"), str):
            raise InvalidIdToken("missing", "the provider sent no ID token (is the openid "
                                 "scope granted?)")
        return token

    def _decode(self, id_token: str) -> jwt.Token:
        try:
            try:
                return jwt.decode(id_token, self.key_set(), algorithms=self.algorithms())
            except InvalidKeyIdError:  # the provider rotated its keys: fetch them once more
                return jwt.decode(id_token, self.key_set(refresh=True),
                                  algorithms=self.algorithms())
        except BadSignatureError as exc:
            raise InvalidIdToken("bad_signature") from exc
        except InvalidKeyIdError as exc:
            raise InvalidIdToken("unknown_key") from exc
        except UnsupportedAlgorithmError as exc:  # "none", HS256 and the like
            raise InvalidIdToken("algorithm") from exc
        except (JoseError, ValueError, TypeError) as exc:
            raise InvalidIdToken("malformed") from exc

    def validate(self, id_token: str, *, nonce: str, access_token: str | None) -> Identity:
        """Signature (the provider's JWKS), issuer, audience, expiry, nonce, at_hash."""
        token = self._decode(id_token)
        p = self.provider
        options = {"iss": {"essential": True, "value": p.issuer},
                   "aud": {"essential": True, "value": p.client_id},
                   "sub": {"essential": True}, "exp": {"essential": True},
                   "nonce": {"essential": True, "value": nonce}}
        params = {"nonce": nonce, "client_id": p.client_id}
        if isinstance(access_token, str) and access_token:
            params["access_token"] = access_token  # checked against at_hash when present
        claims = CodeIDToken(token.claims, token.header, options, params)
        try:
            claims.validate(leeway=self.leeway)
        except ExpiredTokenError as exc:
            raise InvalidIdToken("expired") from exc
        except ClaimError as exc:
            raise InvalidIdToken(f"claim:{exc.claim}") from exc
        except (JoseError, ValueError, TypeError) as exc:
            raise InvalidIdToken("malformed") from exc
        subject = claims["sub"]
        if not isinstance(subject, str) or not 0 < len(subject) <= 255:
            raise InvalidIdToken("claim:sub")
        try:
            email = normalise_email(claims["email"]) if isinstance(claims.get("email"), str) \
                else None
        except ValueError:
            email = None
        return Identity(subject=subject, email=email,
                        email_verified=email is not None and _verified(
                            claims.get("email_verified")))


class Providers:
    """Every configured provider's client, built once per process."""

    def __init__(self, providers: list[OidcProvider], *, timeout_seconds: float,
                 leeway_seconds: int):
        self._clients = {p.name: ProviderClient(p, timeout_seconds=timeout_seconds,
                                                leeway_seconds=leeway_seconds)
                         for p in providers}

    def configured(self) -> list[OidcProvider]:
        return [c.provider for c in self._clients.values()]

    def get(self, name: str) -> ProviderClient:
        client = self._clients.get(name)
        if client is None:
            raise NotFound("no such sign-in provider", code="oidc_provider_unknown",
                           details={"provider": name[:50]})
        return client
