"""A tiny simulation against the real API and its recommendation endpoints: shoppers see
lists, log them, and every event they send is accepted."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
import redis

from pipelines.serve.recommendations import publish_bundle
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from tests.simulator.seeds import seed_with_paid_order
from transactional_api.cli.commands import drain_relay
from transactional_api.events import lake
from transactional_api.simulator import simulate
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.run import ensure_catalog, planned_catalog

NOW = datetime.combine(datetime.now(UTC).date(), time(0), tzinfo=UTC) - timedelta(seconds=1)


@pytest.fixture
def sim_api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, simulated_clock=True))


def _publish(api, redis_url: str, seed: int) -> None:
    """The catalog the simulation will use, and a bundle over it (popular, trending, and
    next items per product), as the training run would publish."""
    with ApiClient(api.url) as client:
        token = client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        ensure_catalog(client, admin_token=token, seed=seed, clock=NOW - timedelta(days=1))
        ids = [p.product_id for p in planned_catalog(client)]
    ranked = [[pid, 1.0 / (i + 1)] for i, pid in enumerate(ids[:50])]
    bundle = {"version": f"sim-{uuid.uuid4().hex[:8]}", "trained_at": NOW.isoformat(),
              "interactions": 0,
              "lists": {"popular": {"all": ranked}, "trending": ranked,
                        "session_next": {pid: [p for p in ranked if p[0] != pid][:20]
                                         for pid in ids}}}
    publish_bundle(redis.Redis.from_url(redis_url), bundle)


def test_shoppers_log_what_they_are_shown(sim_api, redis_server):
    seed = seed_with_paid_order(8, 1, NOW)
    _publish(sim_api, redis_server.url, seed)
    summary = simulate(sim_api.url, 8, 1, seed, ADMIN_EMAIL, ADMIN_PASSWORD, progress=False,
                       now=NOW)
    assert summary.events_rejected == 0 and summary.events_accepted == summary.events_sent
    assert summary.recommendations_shown > 0
    drain_relay(sim_api.settings)
    records = [json.loads(line) for path in lake.landed_files(sim_api.settings.resolved_lake_dir)
               for line in path.read_text().splitlines()]
    shown = [r for r in records if r["event_type"] == "recommendation_shown"]
    clicked = [r for r in records if r["event_type"] == "recommendation_clicked"]
    assert len(shown) == summary.recommendations_shown
    assert len(clicked) == summary.recommendation_clicks
    assert {r["payload"]["placement"] for r in shown} <= {"home", "product", "cart"}
    assert all(r["session_id"] and r["anonymous_id"] for r in shown)
    # a click is on an item of a list that was shown, at the same position
    seen = {(r["payload"]["list_id"], r["payload"]["product_id"], r["payload"]["position"])
            for r in shown}
    assert all((r["payload"]["list_id"], r["payload"]["product_id"],
                r["payload"]["position"]) in seen for r in clicked)
