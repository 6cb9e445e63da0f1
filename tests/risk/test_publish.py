"""Risk scores published with the other features (one MULTI/EXEC) reach the API's rules,
and a user missing from the next publish loses the score."""

from __future__ import annotations

import uuid
from datetime import datetime

import redis

from pipelines.serve.features import build_risk_scores, publish
from transactional_api.risk import engine, keys
from transactional_api.risk.engine import Context
from transactional_api.risk.limits import Limit, RiskLimits

LIMITS = RiskLimits(score=Limit(challenge_at=80, block_at=95))


def test_published_scores_drive_the_rules_and_stale_ones_go(redis_server):
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    risky, calm = str(uuid.uuid4()), str(uuid.uuid4())
    at = datetime(2026, 3, 1, 6, 0)  # the warehouse's UTC without a zone
    rows = [{"user_id": risky, "risk_score": 96, "computed_at": at},
            {"user_id": calm, "risk_score": 12, "computed_at": at}]
    hashes = build_risk_scores(rows)
    assert hashes[keys.user_score(risky)] == {"score": "96",
                                             "computed_at": "2026-03-01T06:00:00+00:00"}
    publish(client, {}, hashes, {"published_at": "now"})
    judge = lambda user: engine.evaluate("sign_in", Context(user_id=user),  # noqa: E731
                                         redis_client=client, limits=LIMITS)
    assert (judge(risky).outcome, judge(risky).reasons) == ("block", ("risk_score",))
    assert judge(calm).outcome == "allow" and judge(calm).score == 12
    publish(client, {}, build_risk_scores(rows[1:]), {"published_at": "later"})
    assert client.exists(keys.user_score(risky)) == 0
    assert judge(risky).outcome == "allow"
