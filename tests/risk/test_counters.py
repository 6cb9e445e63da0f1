"""The counters in a real redis-server: one round trip per check, no increment lost under
threads, distinct users per address, the published score, and failing open."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import redis

from transactional_api.risk import engine, keys
from transactional_api.risk.engine import Context
from transactional_api.risk.limits import Limit, RiskLimits

KEY = b"k" * 32
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


def fp(kind: str, raw: str) -> str:
    return engine.fingerprint(KEY, kind, raw)


def test_concurrent_checks_lose_no_increment(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    device = fp("device", str(uuid.uuid4()))
    # only the device's velocity can fire here
    limits = RiskLimits(per_device_hour=Limit(challenge_at=150, block_at=180),
                        per_user_hour=Limit(), users_per_device=Limit())

    def one(i: int) -> str:
        ctx = Context(user_id=f"u{i % 7}", device=device)
        return engine.evaluate("place_order", ctx, redis_client=client, limits=limits,
                               now=NOW).outcome

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(one, range(200)))
    bucket = int(NOW.timestamp()) // 3600
    assert int(client.get(keys.velocity("place_order", "device", device, bucket))) == 200
    # counts 1..200 were each seen once: 149 allowed, 30 challenged (150..179), 21 blocked
    assert outcomes.count("allow") == 149
    assert outcomes.count("challenge") == 30
    assert outcomes.count("block") == 21


def test_the_hour_window_starts_again(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    device = fp("device", str(uuid.uuid4()))
    limits = RiskLimits(per_device_hour=Limit(challenge_at=2, block_at=0))
    ctx = Context(user_id="u", device=device)
    run = [engine.evaluate("pay", ctx, redis_client=client, limits=limits, now=NOW).outcome
           for _ in range(2)]
    assert run == ["allow", "challenge"]
    later = NOW + timedelta(hours=1)
    assert engine.evaluate("pay", ctx, redis_client=client, limits=limits,
                           now=later).outcome == "allow"


def test_distinct_users_behind_one_address_count_each_user_once(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    address = fp("address", f"US|N|Springfield|12345|{uuid.uuid4()}|")
    limits = RiskLimits(users_per_address=Limit(challenge_at=3, block_at=5))
    seen = []
    for user in ["a", "a", "b", "b", "c", "d", "e"]:
        d = engine.evaluate("place_order", Context(user_id=user, address=address),
                            redis_client=client, limits=limits, now=NOW)
        seen.append(d.outcome)
    assert seen == ["allow", "allow", "allow", "allow", "challenge", "challenge", "block"]
    # 25 days later the same users still count (three 10-day buckets); 40 days later not
    later = engine.evaluate("place_order", Context(user_id="a", address=address),
                            redis_client=client, limits=limits, now=NOW + timedelta(days=20))
    assert later.reasons == ("users_per_address",)
    gone = engine.evaluate("place_order", Context(user_id="f", address=address),
                           redis_client=client, limits=limits, now=NOW + timedelta(days=45))
    assert gone.outcome == "allow"


def test_the_published_score_is_read_with_the_counters(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    user = str(uuid.uuid4())
    client.hset(keys.user_score(user), mapping={"score": "91", "computed_at": NOW.isoformat()})
    d = engine.evaluate("sign_in", Context(user_id=user), redis_client=client,
                        limits=RiskLimits(score=Limit(challenge_at=70, block_at=90)), now=NOW)
    assert (d.outcome, d.reasons, d.score) == ("block", ("risk_score",), 91)


def test_one_round_trip_per_check(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    calls = []
    real = client.pipeline

    def counting(*a, **kw):
        pipe = real(*a, **kw)
        execute = pipe.execute
        pipe.execute = lambda *x, **y: calls.append(1) or execute(*x, **y)
        return pipe

    client.pipeline = counting
    client.execute_command = lambda *a, **kw: (_ for _ in ()).throw(AssertionError(a))
    ctx = Context(user_id="u", device=fp("device", "d"), address=fp("address", "x"),
                  client=fp("client", "127.0.0.1"), total_cents=100,
                  account_created_at=NOW - timedelta(days=3))
    engine.evaluate("place_order", ctx, redis_client=client, limits=RiskLimits(), now=NOW)
    assert calls == [1]


def test_fingerprints_ignore_case_and_spacing_and_depend_on_the_key():
    assert fp("address", "1  Main St ") == fp("address", "1 main st")
    assert fp("address", "1 Main St") != engine.fingerprint(b"other", "address", "1 Main St")
    assert fp("device", "x") != fp("client", "x")
    assert engine.fingerprint(KEY, "device", None) is None
    assert engine.fingerprint(KEY, "device", "   ") is None


def test_an_unreachable_redis_fails_open():
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    d = engine.evaluate("place_order", Context(user_id="u", device="d"), redis_client=dead,
                        limits=RiskLimits(per_device_hour=Limit(challenge_at=1, block_at=1)))
    assert d.outcome == "allow" and d.degraded
