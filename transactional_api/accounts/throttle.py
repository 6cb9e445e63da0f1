"""Throttles of sign-in, code requests and registrations, kept in Redis (core/ratelimit).

Three budgets, checked in this order so a refused request spends nothing further:
1. per client address: one attacker address runs dry here first, whatever accounts it tries;
2. per account identifier (the email or phone typed, hashed; known or not, the same
   budget, so the throttle never tells whether an account exists);
3. an address that signed in to that account before is "known" for 30 days and skips
   the per-account budget: an attacker elsewhere can drain the account's bucket but never
   lock its owner out of their usual address. Buckets refill continuously, so a lockout
   also ends by itself once the attack stops (at most burst / rate seconds).
"""

from __future__ import annotations

import hashlib
import logging

import redis
from fastapi import Request

from transactional_api.config import Settings
from transactional_api.core import ratelimit
from transactional_api.recommendations import keys as recommendation_keys

log = logging.getLogger("flywheel.identity")
KNOWN_PREFIX = "flywheel:identity:known"
KNOWN_TTL_SECONDS = 30 * 24 * 3600


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def identifier_key(identifier: str) -> str:
    return hashlib.sha256(identifier.encode()).hexdigest()[:32]


def _known_key(identifier: str, address: str) -> str:
    return f"{KNOWN_PREFIX}:{identifier_key(identifier)}:{identifier_key(address)}"


def _is_known(client: redis.Redis, identifier: str, address: str) -> bool:
    try:
        return bool(client.exists(_known_key(identifier, address)))
    except (redis.ConnectionError, redis.TimeoutError):
        return False


def remember_address(client: redis.Redis, identifier: str, address: str) -> None:
    """After a successful sign-in: this address may sign in to this account unthrottled."""
    try:
        client.set(_known_key(identifier, address), 1, ex=KNOWN_TTL_SECONDS)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("known address not recorded", extra={"error": str(exc)})


def forget_account(client: redis.Redis, identifier: str, user_id: str) -> None:
    """After an erasure: its known addresses, and what the pipelines published about it
    (tags, recommendations). A later publish may derive tags again from the orders kept:
    they describe purchases under a bare id, not a person."""
    try:
        for key in client.scan_iter(f"{KNOWN_PREFIX}:{identifier_key(identifier)}:*"):
            client.delete(key)
        client.delete(recommendation_keys.user_tags(user_id),
                      recommendation_keys.user_recos(user_id))
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("known addresses not forgotten", extra={"error": str(exc)})


def _per_minute(client, key: str, per_minute: float, what: str) -> None:
    ratelimit.enforce(client, key, rate_per_second=per_minute / 60,
                      burst=max(1, int(per_minute)), what=what)


def _per_hour(client, key: str, per_hour: float, what: str) -> None:
    ratelimit.enforce(client, key, rate_per_second=per_hour / 3600,
                      burst=max(1, int(per_hour)), what=what)


def sign_in(client: redis.Redis, settings: Settings, address: str,
            identifier: str | None) -> None:
    """Password and code sign-ins (and registrations) share these budgets."""
    _per_minute(client, f"auth:client:{address}", settings.login_attempts_per_minute_per_client,
                "sign-in attempts from this address")
    if identifier is not None and not _is_known(client, identifier, address):
        _per_minute(client, f"auth:account:{identifier_key(identifier)}",
                    settings.login_attempts_per_minute_per_account,
                    "sign-in attempts for this account")


def code_request(client: redis.Redis, settings: Settings, address: str,
                 destination: str) -> None:
    """Codes cost a message each: fewer per hour, per address and per destination."""
    _per_hour(client, f"auth:code:client:{address}", settings.code_requests_per_hour_per_client,
              "code requests from this address")
    _per_hour(client, f"auth:code:dest:{identifier_key(destination)}",
              settings.code_requests_per_hour_per_destination, "codes sent to this address")


def registration(client: redis.Redis, settings: Settings, address: str, email: str) -> None:
    """The address's sign-in budget, and the email's own (apart from its sign-in budget, so
    registering leaves no trace in how an account's sign-ins are throttled)."""
    _per_minute(client, f"auth:client:{address}", settings.login_attempts_per_minute_per_client,
                "sign-in attempts from this address")
    _per_minute(client, f"auth:register:{identifier_key(email)}",
                settings.login_attempts_per_minute_per_account,
                "registrations for this email")
