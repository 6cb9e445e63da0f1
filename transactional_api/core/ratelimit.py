"""Token-bucket rate limits kept in Redis, shared by every API process.

One Lua script refills and takes tokens atomically with Redis' own clock, so workers and
replicas agree without coordinating. Limits fail open when Redis is unreachable: losing
the throttle for a few seconds is better than refusing every shopper.
"""

from __future__ import annotations

import logging
import math

import redis

from transactional_api.core.errors import DomainError

log = logging.getLogger("flywheel.ratelimit")

_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = (cost - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""
PREFIX = "flywheel:ratelimit"


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float):
        seconds = max(1, math.ceil(retry_after))
        super().__init__(message, details={"retry_after_seconds": seconds})
        self.headers = {"Retry-After": str(seconds)}


def take(client: redis.Redis, key: str, *, cost: int = 1, rate_per_second: float,
         burst: int) -> float:
    """Take cost tokens from bucket key; 0.0 when allowed, else seconds until it would be.

    A refused take spends nothing, so a client that waits Retry-After gets through.
    """
    if cost > burst:
        return math.inf
    try:
        wait = float(client.eval(_TAKE, 1, f"{PREFIX}:{key}", rate_per_second, burst, cost))
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("rate limit unavailable, allowing", extra={"key": key, "error": str(exc)})
        return 0.0
    return wait


def enforce(client: redis.Redis, key: str, *, cost: int = 1, rate_per_second: float,
            burst: int, what: str) -> None:
    """Raise RateLimited (429 with Retry-After) when the bucket cannot pay cost."""
    wait = take(client, key, cost=cost, rate_per_second=rate_per_second, burst=burst)
    if wait > 0:
        raise RateLimited(f"too many {what}; retry later",
                          retry_after=wait if math.isfinite(wait) else burst / rate_per_second)
