"""A small OpenID provider for tests, served on loopback: discovery, JWKS, authorize (the
"user" is whoever the test says signs in next) and token, which checks the client secret,
the redirect URI and the PKCE verifier, and signs ID tokens with an RSA key made here.

Knobs let a test make the provider misbehave: override claims, tamper with the signature,
sign with another key under the same kid, or with HS256 keyed by the client secret.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from tests.conftest import free_port


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class Person:
    sub: str
    email: str | None = None
    email_verified: bool | str | None = True


@dataclass
class SandboxProvider:
    clients: dict[str, str]  # client_id -> secret
    key: RSAKey = field(default_factory=lambda: new_key("k1"))
    issuer: str = ""
    next_person: Person | None = None
    claim_overrides: dict[str, Any] = field(default_factory=dict)
    tamper: str | None = None  # "signature" | "foreign_key" | "hs256"
    codes: dict[str, dict] = field(default_factory=dict)
    token_requests: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        self.next_person, self.claim_overrides, self.tamper = None, {}, None
        self.token_requests.clear()

    # --- endpoints --------------------------------------------------------------------
    async def discovery(self, request: Request) -> JSONResponse:
        return JSONResponse({
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"]})

    async def jwks(self, request: Request) -> JSONResponse:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request):
        q = request.query_params
        if q.get("client_id") not in self.clients or q.get("response_type") != "code" or \
                q.get("code_challenge_method") != "S256" or "openid" not in \
                q.get("scope", "").split() or self.next_person is None:
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {"client_id": q["client_id"], "redirect_uri": q["redirect_uri"],
                                "challenge": q["code_challenge"], "nonce": q.get("nonce"),
                                "person": self.next_person}
        query = urlencode({"code": code, "state": q["state"]})
        return RedirectResponse(f"{q['redirect_uri']}?{query}", status_code=302)

    async def token(self, request: Request) -> JSONResponse:
        form = dict(await request.form())
        self.token_requests.append(form)
        client_id, secret = _basic(request.headers.get("authorization", ""))
        if self.clients.get(client_id) != secret:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant is None or form.get("grant_type") != "authorization_code" or \
                grant["client_id"] != client_id or \
                grant["redirect_uri"] != form.get("redirect_uri") or \
                grant["challenge"] != challenge:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        access_token = secrets.token_urlsafe(24)
        return JSONResponse({"access_token": access_token, "token_type": "Bearer",
                             "expires_in": 3600,
                             "id_token": self.id_token(grant, client_id, access_token)})

    def id_token(self, grant: dict, client_id: str, access_token: str) -> str:
        person: Person = grant["person"]
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": person.sub, "aud": client_id, "iat": now,
                  "exp": now + 300, "nonce": grant["nonce"],
                  "at_hash": create_half_hash(access_token, "RS256").decode()}
        if person.email is not None:
            claims["email"] = person.email
        if person.email_verified is not None:
            claims["email_verified"] = person.email_verified
        for name, value in self.claim_overrides.items():  # None: leave the claim out
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        header = {"alg": "RS256", "kid": self.key.kid}
        if self.tamper == "hs256":
            return jwt.encode({"alg": "HS256", "kid": self.key.kid}, claims,
                              OctKey.import_key(self.clients[client_id]),
                              algorithms=["HS256"])
        if self.tamper == "foreign_key":
            return jwt.encode(header, claims, new_key(self.key.kid))
        signed = jwt.encode(header, claims, self.key)
        if self.tamper == "signature":
            head, body, sig = signed.split(".")
            raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
            raw[0] ^= 0x01
            signed = ".".join([head, body, base64.urlsafe_b64encode(raw).rstrip(b"=")
                               .decode()])
        return signed

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks), Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["POST"])])


def _basic(header: str) -> tuple[str | None, str | None]:
    if not header.startswith("Basic "):
        return None, None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


def serve(provider: SandboxProvider):
    """Run provider on a loopback port in a thread; yields it with its issuer set."""
    port = free_port()
    provider.issuer = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(provider.app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("sandbox OpenID provider did not start")
        time.sleep(0.05)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(10)
