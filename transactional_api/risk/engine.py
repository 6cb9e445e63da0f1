"""``evaluate(action, context)``: count this attempt and read what the rules need from
Redis in ONE pipelined round trip, then judge (rules.py).

Counting: fixed UTC-hour windows (INCR, atomic, so concurrent requests lose no
increments), UTC-day windows for registrations, and HyperLogLogs of user ids in 10-day
buckets, three of them merged by PFCOUNT (about 30 days, sliding by 10). Every attempt
counts, refused ones included: an attacker's retries must not reset anything.
Identifying values (device, client address, shipping address, payment instrument) enter
Redis only as keyed hashes (``fingerprint``) under the installation's secret.
If Redis is unreachable the check fails open, as the rate limits do: a flagged decision
that allows, logged.
A placement's audience check (tags.audience_check.Pending) may ride the same round trip:
its Redis reads are queued after the counters and its answer is the context's ``trusted``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import redis

from transactional_api.core import clock
from transactional_api.risk import keys, rules
from transactional_api.risk.limits import RiskLimits

log = logging.getLogger("flywheel.risk")
HOUR, DAY, DISTINCT_BUCKET_DAYS, DISTINCT_BUCKETS = 3600, 86400, 10, 3


@dataclass(frozen=True)
class Context:
    """Who and what is acting. device/client/address/instrument are fingerprints;
    merchant_device is the device's fingerprint joined to a merchant id (the reviewers of
    one merchant behind one device)."""

    user_id: str | None = None
    device: str | None = None
    client: str | None = None
    address: str | None = None
    instrument: str | None = None
    merchant_device: str | None = None
    total_cents: int | None = None
    account_created_at: datetime | None = None
    trusted: bool = False
    extra: dict = field(default_factory=dict)

    def value(self, dim: str) -> str | None:
        return self.user_id if dim == "user" else getattr(self, dim)


class Rider(Protocol):
    """Another check's Redis reads on this pipeline: queue returns how many commands it
    added; settle gets their replies and answers whether the actor is trusted."""

    def queue(self, pipe) -> int: ...

    def settle(self, replies: list) -> bool: ...


def fingerprint(key: bytes, kind: str, raw: str | None) -> str | None:
    """A keyed hash of a normalised value (case, spacing and Unicode form ignored)."""
    if raw is None:
        return None
    norm = " ".join(unicodedata.normalize("NFKC", raw).casefold().split())
    if not norm:
        return None
    return hmac.new(key, f"{kind}\x1f{norm}".encode(), hashlib.sha256).hexdigest()[:32]


def address_text(ship_to: dict | None) -> str | None:
    """The parts of an address that locate it (not the recipient's name or phone)."""
    if not ship_to:
        return None
    return "|".join(str(ship_to.get(k) or "") for k in
                    ("country", "region", "city", "postal_code", "line1", "line2"))


def evaluate(action: str, context: Context, *, redis_client: redis.Redis,
             limits: RiskLimits, now: datetime | None = None,
             trusted_by: Rider | None = None) -> rules.Decision:
    if action not in rules.ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    ts = int((now or clock.real_now()).astimezone(UTC).timestamp())
    pipe = redis_client.pipeline(transaction=False)
    reads: list[tuple[str, str]] = []  # (kind, dim) per counted reply, in pipeline order
    for dim in rules.VELOCITY.get(action, ()):
        value = context.value(dim)
        if value is not None:
            key = keys.velocity(action, dim, value, ts // HOUR)
            pipe.incr(key)
            pipe.expire(key, 2 * HOUR)
            reads.append(("velocity", dim))
    for dim in rules.ACCOUNTS.get(action, ()):
        value = context.value(dim)
        if value is not None:
            key = keys.accounts(dim, value, ts // DAY)
            pipe.incr(key)
            pipe.expire(key, 2 * DAY)
            reads.append(("accounts", dim))
    for dim in rules.DISTINCT.get(action, ()):
        value = context.value(dim)
        if value is not None and context.user_id is not None:
            bucket = ts // (DISTINCT_BUCKET_DAYS * DAY)
            current = keys.distinct(dim, value, bucket)
            pipe.pfadd(current, context.user_id)
            pipe.expire(current, DISTINCT_BUCKETS * DISTINCT_BUCKET_DAYS * DAY)
            pipe.pfcount(*[keys.distinct(dim, value, bucket - i)
                           for i in range(DISTINCT_BUCKETS)])
            reads.append(("distinct", dim))
    if context.user_id is not None:
        pipe.hget(keys.user_score(context.user_id), "score")
    riding = trusted_by.queue(pipe) if trusted_by is not None else 0
    try:
        replies = pipe.execute()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("risk counters unavailable, allowing",
                    extra={"action": action, "error": str(exc)})
        return rules.Decision(outcome="allow", score=0, degraded=True)
    counts: dict[str, dict[str, int]] = {"velocity": {}, "accounts": {}, "distinct": {}}
    i = 0
    for kind, dim in reads:
        step = 3 if kind == "distinct" else 2
        counts[kind][dim] = int(replies[i + (2 if kind == "distinct" else 0)])
        i += step
    score = None
    if context.user_id is not None and replies[i] is not None:
        try:
            score = int(float(replies[i]))
        except ValueError:
            log.warning("unreadable risk score", extra={"user_id": context.user_id})
    trusted = context.trusted
    if trusted_by is not None:
        trusted = trusted_by.settle(replies[len(replies) - riding:])
    age = None
    if context.account_created_at is not None:
        created = context.account_created_at
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        age = max(0.0, (ts - created.timestamp()) / DAY)
    signals = rules.Signals(velocity=counts["velocity"], accounts=counts["accounts"],
                            distinct=counts["distinct"], score=score, account_age_days=age,
                            total_cents=context.total_cents, trusted=trusted)
    return rules.judge(action, signals, limits)
