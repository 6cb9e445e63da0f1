"""A tiny simulation against the real API (uvicorn on loopback, SQLite, real redis)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from tests.simulator.seeds import seed_with_paid_order
from transactional_api.cli.commands import drain_relay
from transactional_api.events import lake
from transactional_api.events.contract import BEHAVIOUR_EVENTS
from transactional_api.orders.models import Order
from transactional_api.simulator import simulate

# yesterday as the one simulated day, so the whole day lies in the past whatever the hour
NOW = datetime.combine(datetime.now(UTC).date(), time(0), tzinfo=UTC) - timedelta(seconds=1)


@pytest.fixture
def sim_api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, simulated_clock=True))


def test_tiny_simulation_creates_orders_and_events(sim_api):
    seed = seed_with_paid_order(5, 1, NOW)
    summary = simulate(sim_api.url, 5, 1, seed, ADMIN_EMAIL, ADMIN_PASSWORD, progress=False,
                       now=NOW)
    assert summary.visits >= 1
    assert summary.events_sent > 0
    assert summary.events_accepted == summary.events_sent
    assert summary.events_rejected == 0
    assert summary.orders >= 1
    assert summary.paid_orders >= 1
    assert summary.still_pending == 0

    with sim_api.sessions() as s:
        orders = s.scalars(select(Order)).all()
        # the merchants' buyers and the plays' orders are counted apart from the visits'
        market, plays = summary.marketplace, summary.plays
        assert market["merchant_orders"] == market["merchant_paid"] >= 1
        play_orders = (plays["group_buys"]["opened"] + plays["group_buys"]["joined"]
                       + plays["points_mall"]["redeemed"] + plays["flash_sale"]["won"])
        assert len(orders) == summary.orders + market["merchant_orders"] + play_orders
        # the API honoured X-Flywheel-Clock: every order lives on the simulated day
        assert {o.created_at.date() for o in orders} == {NOW.date()}
        paid = [o for o in orders if o.paid_at is not None]
        mall = plays["points_mall"]
        play_paid = (plays["group_buys"]["paid"] + mall["cash_parts_paid"]
                     + mall["points_only"] + plays["flash_sale"]["paid"])
        assert len(paid) == summary.paid_orders + market["merchant_paid"] + play_paid
        assert all(o.paid_at.date() == NOW.date() for o in paid)
        # nothing unpaid survives the day-end sweep
        assert s.scalar(select(func.count()).select_from(Order)
                        .where(Order.status == "pending_payment")) == 0

    assert drain_relay(sim_api.settings) > 0
    records = [json.loads(line) for path in lake.landed_files(sim_api.settings.resolved_lake_dir)
               for line in path.read_text().splitlines()]
    types = {r["event_type"] for r in records}
    assert {"page_view", "order_created", "order_paid"} <= types
    behaviour = [r for r in records if r["event_type"] == "page_view"]
    assert all(r["occurred_at"].startswith(NOW.date().isoformat()) for r in behaviour)
    assert all(r["session_id"] and r["anonymous_id"] for r in behaviour)


def test_same_seed_replays_the_same_requests(tmp_path, redis_server):
    """Two fresh shops, one seed: the same events (by id) and the same orders."""
    seed = seed_with_paid_order(4, 1, NOW)
    runs = []
    for name in ("a", "b"):
        settings = make_settings(tmp_path / name, redis_server.url, simulated_clock=True)
        for live in run_api(settings):
            summary = simulate(live.url, 4, 1, seed, ADMIN_EMAIL, ADMIN_PASSWORD,
                               progress=False, now=NOW)
            drain_relay(settings)
            events = sorted(
                (r["event_id"], r["occurred_at"])
                for p in lake.landed_files(settings.resolved_lake_dir)
                for r in map(json.loads, p.read_text().splitlines())
                # what the shoppers sent; server-side events carry fresh random ids
                if r["event_type"] in BEHAVIOUR_EVENTS
            )
            with live.sessions() as s:
                totals = sorted((o.created_at, o.total_cents, o.status)
                                for o in s.scalars(select(Order)))
            runs.append((summary.orders, summary.events_sent, events, totals))
    assert runs[0] == runs[1]
