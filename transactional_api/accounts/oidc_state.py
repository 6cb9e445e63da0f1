"""Sign-ins started at a provider and not yet come back: state, nonce and PKCE verifier.

Kept in Redis under a hash of the state (whoever reads Redis cannot complete a flow with
a key), with a TTL, and taken with GETDEL: a state works once, even when two callbacks
carrying it arrive at once on different API processes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass

import redis

from transactional_api.core.errors import DomainError

PREFIX = "flywheel:identity:oidc:state"


class StateUnavailable(DomainError):
    status_code = 503
    code = "oidc_state_unavailable"
    headers = {"Retry-After": "2"}


class InvalidState(DomainError):
    status_code = 400
    code = "oidc_invalid_state"

    def __init__(self):
        super().__init__("unknown, expired or already used state; start the sign-in again")


@dataclass(frozen=True)
class Pending:
    provider: str
    nonce: str
    code_verifier: str


def _key(state: str) -> str:
    return f"{PREFIX}:{hashlib.sha256(state.encode()).hexdigest()}"


def begin(client: redis.Redis, *, provider: str, ttl_seconds: int) -> tuple[str, Pending]:
    """A fresh state and what the callback will need, stored for ttl_seconds."""
    state = secrets.token_urlsafe(32)
    # RFC 7636: a verifier of 43 to 128 characters from the unreserved set
    pending = Pending(provider=provider, nonce=secrets.token_urlsafe(32),
                      code_verifier=secrets.token_urlsafe(64))
    try:
        client.set(_key(state), json.dumps(asdict(pending)), ex=ttl_seconds, nx=True)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise StateUnavailable("sign-in cannot start right now; retry shortly") from exc
    return state, pending


def take(client: redis.Redis, *, state: str, provider: str) -> Pending:
    """The pending sign-in for state, now spent; refused when unknown, expired, already
    used, or started for another provider (it is spent all the same)."""
    try:
        raw = client.getdel(_key(state))
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise StateUnavailable("sign-in cannot finish right now; retry shortly") from exc
    if raw is None:
        raise InvalidState()
    pending = Pending(**json.loads(raw))
    if pending.provider != provider:
        raise InvalidState()
    return pending
