"""The simulator's members: shoppers sign in by email and phone codes read from the sandbox
sender, share products, and pay part of some orders with points."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from transactional_api.events.models import OutboxEvent
from transactional_api.members import points
from transactional_api.orders.models import Order
from transactional_api.simulator import simulate

NOW = datetime.combine(datetime.now(UTC).date(), time(0), tzinfo=UTC) - timedelta(seconds=1)


@pytest.fixture
def sim_api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, simulated_clock=True,
                                     code_requests_per_hour_per_client=1e6,
                                     code_requests_per_hour_per_destination=1e6))


def test_simulated_shoppers_sign_in_by_codes_share_and_spend_points(sim_api):
    summary = simulate(sim_api.url, 30, 4, 11, ADMIN_EMAIL, ADMIN_PASSWORD, progress=False,
                       now=NOW)
    assert summary.code_sign_ins.get("email_code", 0) > 0
    assert summary.code_sign_ins.get("phone_code", 0) > 0
    assert summary.shares > 0 and summary.welcome_gifts > 0
    assert summary.points_orders > 0
    with sim_api.sessions() as s:
        records = [json.loads(r) for r in s.scalars(select(OutboxEvent.record).where(
            OutboxEvent.event_type.in_(["user_signed_in", "product_shared"])))]
        methods = {r["payload"]["method"] for r in records
                   if r["event_type"] == "user_signed_in"}
        assert {"email_code", "phone_code"} <= methods
        assert sum(r["event_type"] == "product_shared" for r in records) == summary.shares
        with_points = s.scalars(select(Order).where(Order.points_spent > 0)).all()
        assert len(with_points) == summary.points_orders
        assert sum(o.points_spent for o in with_points) == summary.points_spent
        assert points.check(s) == []
