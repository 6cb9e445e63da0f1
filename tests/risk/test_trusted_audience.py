"""The placement gate's trusted audience: its automatic tags ride the risk counters' Redis
round trip (engine.evaluate's trusted_by), and members skip the new-account large-order
challenge; an operator's edit of the audience applies to the next placement."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis

from tests.conftest import make_settings, run_api
from tests.risk.conftest import QUIET, device, place, product_sku, shopper
from tests.tags.conftest import publish_auto_tags
from transactional_api.risk import engine
from transactional_api.risk.engine import Context
from transactional_api.risk.limits import RiskLimits
from transactional_api.tags import rules
from transactional_api.tags.audience_check import Pending

LARGE = 1000  # cents: a new account's order above this is challenged unless trusted
LIMITS = RiskLimits(**{**QUIET, "new_account_large_order_cents": LARGE})
CHAMPIONS = {"tag": "rfm_segment", "eq": "champions"}


class CountingRedis:
    """A Redis client that counts the pipelines it executes."""

    def __init__(self, client: redis.Redis):
        self.client, self.executed = client, 0

    def pipeline(self, **kw):
        pipe, outer = self.client.pipeline(**kw), self
        real = pipe.execute

        def execute(*a, **k):
            outer.executed += 1
            return real(*a, **k)

        pipe.execute = execute
        return pipe


@pytest.mark.parametrize("published, trusted", [({"rfm_segment": "champions"}, True),
                                                ({"rfm_segment": "at_risk"}, False),
                                                ({}, False)])
def test_the_audience_tags_ride_the_counters_round_trip(redis_server, published, trusted):
    user = f"u-{uuid.uuid4()}"
    publish_auto_tags(redis_server.url, user, published)
    client = CountingRedis(redis.Redis.from_url(redis_server.url))
    pending = Pending(rule=rules.parse(CHAMPIONS), user_id=user, facts=rules.Facts(),
                      auto=["rfm_segment"])
    ctx = Context(user_id=user, device=f"d-{uuid.uuid4()}", total_cents=LARGE + 1,
                  account_created_at=datetime.now(UTC) - timedelta(hours=1))
    decision = engine.evaluate("place_order", ctx, redis_client=client, limits=LIMITS,
                               trusted_by=pending)
    assert client.executed == 1
    assert decision.outcome == ("allow" if trusted else "challenge")
    client.client.close()


def test_a_rider_without_redis_reads_still_decides(redis_server):
    """A rule of database facts only queues nothing; its answer still counts."""
    client = CountingRedis(redis.Redis.from_url(redis_server.url))
    member = Pending(rule=rules.parse({"attr": "level", "eq": "gold"}), user_id="u",
                     facts=rules.Facts(level="gold"))
    ctx = Context(user_id=f"u-{uuid.uuid4()}", total_cents=LARGE + 1,
                  account_created_at=datetime.now(UTC))
    assert engine.evaluate("place_order", ctx, redis_client=client, limits=LIMITS,
                           trusted_by=member).outcome == "allow"
    assert engine.evaluate("place_order", ctx, redis_client=client,
                           limits=LIMITS).outcome == "challenge"
    assert client.executed == 2
    client.client.close()


@pytest.fixture
def trusted_api(tmp_path, redis_server):
    name = f"trusted-{uuid.uuid4().hex[:8]}"
    gen = run_api(make_settings(tmp_path / "var", redis_server.url, risk_limits=LIMITS,
                                risk_trusted_audience=name))
    api = next(gen)
    with api.client(api.admin_token()) as admin:
        r = admin.post("/v1/admin/audiences", json={"name": name, "rule": CHAMPIONS})
        assert r.status_code == 201, r.text
        yield api, admin, r.json()["id"]
    next(gen, None)


def _held(response) -> bool:
    assert response.status_code == 201, response.text
    return all(s["paused"] and s["hold_reason"] == "risk_review"
               for s in response.json()["sub_orders"])


def test_members_of_the_trusted_audience_skip_the_new_account_challenge(trusted_api,
                                                                        redis_server):
    api, admin, audience = trusted_api
    _, sku = product_sku(api, price_cents=LARGE + 500)
    champion, other = shopper(api, **device()), shopper(api, **device())
    publish_auto_tags(redis_server.url, champion.get("/v1/me").json()["id"],
                      {"rfm_segment": "champions"})
    assert not _held(place(champion, sku))
    assert _held(place(other, sku))
    # the operator narrows the audience: the next placement follows it
    r = admin.patch(f"/v1/admin/audiences/{audience}",
                    json={"rule": {"and": [CHAMPIONS, {"attr": "orders_count", "gt": 5}]}})
    assert r.status_code == 200, r.text
    assert _held(place(champion, sku))
    assert "audience;dur=" in place(other, sku).headers["Server-Timing"]
    champion.close()
    other.close()
