"""The hot path: Redis only. One Lua script answers a reservation request atomically — the
client's rate limit, the sale's window, the request id (a retry gets the first answer),
the per-user limit and the pool — and queues the winner on a Redis Stream for the order
workers. Every key of a sale shares the hash tag ``{sale_id}`` (one Redis Cluster slot);
the queue is one stream for all sales.

Passes: a shopper asks for a pass before the sale (signed in, audience checked, SQL read
once); the hot path only checks its HMAC, so it never reads the user tables.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass

import redis

PREFIX = "flywheel:flash"
GROUP = "flash-orders"


def key(sale_id: str, part: str) -> str:
    return f"{PREFIX}:{{{sale_id}}}:{part}"


def sale_keys(sale_id: str) -> list[str]:
    """meta, pool, users (units held per user), requests (request id -> token),
    tokens (token -> user|qty|ms), returned (tokens given back to the pool), counters,
    admission (the waiting room's bucket)."""
    return [key(sale_id, p) for p in ("meta", "pool", "users", "requests", "tokens",
                                      "returned", "counters", "admission")]


_RESERVE = """
local meta, pool, users, requests, tokens, returned, counters = KEYS[1], KEYS[2], KEYS[3],
  KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local user, request_id, qty, token = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local rate, burst, bucket = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HINCRBY', counters, 'requests', 1)
-- token buckets: (key, rate per second, burst) -> ms to wait, 0 when a token was taken
local function take(k, r, cap)
  local b = redis.call('HMGET', k, 'tokens', 'ts')
  local left = tonumber(b[1]) or cap
  local ts = tonumber(b[2]) or now_ms
  left = math.min(cap, left + math.max(0, now_ms - ts) * r / 1000)
  if left < 1 then return math.ceil((1 - left) / r * 1000) end
  redis.call('HSET', k, 'tokens', tostring(left - 1), 'ts', tostring(now_ms))
  redis.call('PEXPIRE', k, math.ceil(cap / r * 1000) + 1000)
  return 0
end
-- the client's bucket first, then the sale's admission (the waiting room): a flood is
-- answered before it reaches the pool, and one client cannot use up the admission
local wait = take(bucket, rate, burst)
if wait > 0 then
  redis.call('HINCRBY', counters, 'rate_limited', 1)
  return {'rate_limited', tostring(wait)}
end
wait = take(KEYS[8], tonumber(ARGV[10]), tonumber(ARGV[11]))
if wait > 0 then
  redis.call('HINCRBY', counters, 'waiting_room', 1)
  return {'waiting_room', tostring(wait)}
end
local rkey = user .. ':' .. request_id
local seen = redis.call('HGET', requests, rkey)
if seen then return {'won', seen, 'repeat'} end
local m = redis.call('HMGET', meta, 'status', 'starts_ms', 'ends_ms', 'limit', 'sku')
if m[1] ~= 'armed' then
  redis.call('HINCRBY', counters, 'closed', 1)
  return {'closed', m[1] or 'unknown'}
end
if now_ms < tonumber(m[2]) then
  redis.call('HINCRBY', counters, 'early', 1)
  return {'not_started', tostring(tonumber(m[2]) - now_ms)}
end
if now_ms >= tonumber(m[3]) then
  redis.call('HINCRBY', counters, 'closed', 1)
  return {'closed', 'ended'}
end
local held = tonumber(redis.call('HGET', users, user) or '0')
if held + qty > tonumber(m[4]) then
  redis.call('HINCRBY', counters, 'over_limit', 1)
  return {'over_limit', tostring(held)}
end
local left = tonumber(redis.call('GET', pool) or '0')
if left < qty then
  redis.call('HINCRBY', counters, 'sold_out', 1)
  return {'sold_out', tostring(left)}
end
redis.call('DECRBY', pool, qty)
redis.call('HINCRBY', users, user, qty)
redis.call('HSET', requests, rkey, token)
redis.call('HSET', tokens, token, user .. '|' .. qty .. '|' .. now_ms)
redis.call('HINCRBY', counters, 'won', 1)
if left == qty then redis.call('HSETNX', meta, 'sold_out_ms', tostring(now_ms)) end
redis.call('XADD', ARGV[8], '*', 'sale', ARGV[9], 'token', token, 'user', user,
           'qty', tostring(qty), 'ms', tostring(now_ms), 'ctx', ARGV[12])
return {'won', token, 'new'}
"""

# A lapsed reservation's units back into the pool, once per token (its order is gone).
_GIVE_BACK = """
local pool, users, tokens, returned = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token = ARGV[1]
local entry = redis.call('HGET', tokens, token)
if not entry then return -1 end
if redis.call('SADD', returned, token) == 0 then return 0 end
local user, qty = string.match(entry, '^([^|]+)|(%d+)|')
redis.call('INCRBY', pool, tonumber(qty))
if tonumber(redis.call('HINCRBY', users, user, -tonumber(qty))) <= 0 then
  redis.call('HDEL', users, user)
end
redis.call('HDEL', KEYS[5], 'sold_out_ms')
return tonumber(qty)
"""


@dataclass(frozen=True)
class Answer:
    # won | rate_limited | waiting_room | closed | not_started | over_limit | sold_out
    outcome: str
    token: str | None = None
    repeat: bool = False
    detail: str | None = None


class Scripts:
    """The sale scripts, registered once per client (EVALSHA after the first call)."""

    def __init__(self, client: redis.Redis, queue: str | None = None):
        self.client, self.queue = client, queue
        self._reserve = client.register_script(_RESERVE)
        self._give_back = client.register_script(_GIVE_BACK)

    def reserve(self, *, sale_id: str, user_id: str, request_id: str, quantity: int,
                rate_per_second: float, burst: int, admission_per_second: float,
                admission_burst: int, context: str = "{}") -> Answer:
        """context: the request's UTM fields as JSON, carried to the order."""
        token = str(uuid.uuid4())
        got = self._reserve(
            keys=sale_keys(sale_id),
            args=[user_id, request_id, quantity, token, rate_per_second, burst,
                  key(sale_id, f"bucket:{user_id}"), self.queue, sale_id, admission_per_second,
                  admission_burst, context])
        outcome = _text(got[0])
        if outcome == "won":
            return Answer("won", token=_text(got[1]), repeat=_text(got[2]) == "repeat")
        return Answer(outcome, detail=_text(got[1]))

    def give_back(self, *, sale_id: str, token: str) -> int:
        """Units returned to the pool: 0 if this token was returned already, -1 if Redis
        never issued it."""
        meta, pool, users, _, tokens, returned, _, _ = sale_keys(sale_id)
        return int(self._give_back(keys=[pool, users, tokens, returned, meta], args=[token]))


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def preload(client: redis.Redis, *, sale_id: str, pool: int, starts_ms: int, ends_ms: int,
            limit: int, sku_id: str) -> None:
    """Arm the sale in Redis. Only ever from a fresh state: re-arming a sale that has
    tokens would hand out its units twice, so the pool is set only if absent."""
    meta, pool_key, *_ = sale_keys(sale_id)
    pipe = client.pipeline(transaction=True)
    pipe.set(pool_key, pool, nx=True)
    pipe.hset(meta, mapping={"status": "armed", "starts_ms": starts_ms, "ends_ms": ends_ms,
                             "limit": limit, "sku": sku_id, "quantity": pool})
    pipe.execute()


def close(client: redis.Redis, *, sale_id: str, status: str = "ended") -> None:
    client.hset(sale_keys(sale_id)[0], "status", status)


def state(client: redis.Redis, sale_id: str) -> dict:
    """What Redis holds of a sale: pool left, tokens (user, qty, ms), returned tokens,
    counters and meta."""
    meta, pool, users, _, tokens, returned, counters, _ = sale_keys(sale_id)
    pipe = client.pipeline(transaction=True)
    pipe.hgetall(meta)
    pipe.get(pool)
    pipe.hgetall(tokens)
    pipe.smembers(returned)
    pipe.hgetall(counters)
    m, left, toks, back, counts = pipe.execute()
    parsed = {}
    for tok, entry in toks.items():
        user, qty, ms = _text(entry).split("|")
        parsed[_text(tok)] = (user, int(qty), int(ms))
    return {"meta": {_text(k): _text(v) for k, v in m.items()},
            "pool": int(left) if left is not None else None, "tokens": parsed,
            "returned": {_text(t) for t in back},
            "counters": {_text(k): int(v) for k, v in counts.items()}}


# --- passes ---------------------------------------------------------------------------
def pass_secret(webhook_secret: str) -> bytes:
    """Derived from the installation's secret: the same in every worker, stored nowhere."""
    return hmac.new(webhook_secret.encode(), b"flywheel/flash-pass/v1", hashlib.sha256).digest()


def issue_pass(secret: bytes, *, sale_id: str, user_id: str, expires_s: int) -> str:
    body = f"{sale_id}.{user_id}.{expires_s}"
    mac = hmac.new(secret, body.encode(), hashlib.sha256).digest()[:18]
    return f"{body}.{base64.urlsafe_b64encode(mac).decode()}"


def check_pass(secret: bytes, value: str, *, sale_id: str) -> str | None:
    """The pass holder's user id, or None when the pass is forged, expired or for another
    sale."""
    try:
        sale, user, expires, mac = value.split(".")
        expected = hmac.new(secret, f"{sale}.{user}.{expires}".encode(),
                            hashlib.sha256).digest()[:18]
        if not hmac.compare_digest(base64.urlsafe_b64decode(mac), expected):
            return None
        if sale != sale_id or int(expires) < time.time():
            return None
    except (ValueError, TypeError):
        return None
    return user
