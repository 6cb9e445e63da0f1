"""The demo's brushing ring against the shop's default limits: orders past the limit of
accounts per address are held, the operator's verdicts land, and every hold is an event."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, create_product, make_settings, run_api
from tests.risk.conftest import events
from transactional_api.risk.limits import RiskLimits
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.risk_ring import RING_SIZE, run_ring


def test_the_ring_is_held_past_the_address_limit_and_reviewed(tmp_path, redis_server):
    limit = RiskLimits().users_per_address.challenge_at
    assert 0 < limit <= RING_SIZE  # the defaults are what the demo meets
    for api in run_api(make_settings(tmp_path / "var", redis_server.url,
                                     simulated_clock=True)):
        with api.client(api.admin_token()) as admin:
            product = create_product(admin, price_cents=900, stock=50, code="RING-1")
        with ApiClient(api.url) as client:
            token = client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            out = run_ring(client, admin_token=token, clock=datetime.now(UTC), seed=1)
        assert out.placed == RING_SIZE and out.blocked == 0
        # the limit-th distinct account behind the address and every later one is held
        assert out.held == RING_SIZE - limit + 1
        assert (out.approved, out.rejected) == (1, out.held - 1)
        holds = [e for e in events(api, "risk_decision_made")
                 if e["payload"]["action"] == "place_order"]
        assert len(holds) == out.held
        assert all(e["payload"]["outcome"] == "challenge" for e in holds)
        assert len(events(api, "risk_review_decided")) == out.held
        with api.client(api.admin_token()) as admin:
            sku = admin.get(f"/v1/products/{product['id']}").json()["skus"][0]
        # rejected orders gave their units back; the others still hold theirs
        assert sku["available"] == 50 - (RING_SIZE - out.rejected)
