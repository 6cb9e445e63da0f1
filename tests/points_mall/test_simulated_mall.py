"""The simulator's points-mall shoppers against a live API: items get listed, shoppers
with points redeem, and the API's ledger stays whole."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from tests.conftest import create_product
from tests.points_mall.mall_helpers import shopper, start_api
from transactional_api.members import points
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.points_mall import SimPointsMall
from transactional_api.simulator.shoppers import PlannedProduct


@pytest.fixture
def api(tmp_path, redis_server):
    yield from start_api(tmp_path, redis_server.url)


def test_shoppers_with_points_redeem(api, monkeypatch):
    monkeypatch.setattr("transactional_api.simulator.points_mall.REDEEM_CHANCE", 1.0)
    with api.client(api.admin_token()) as admin:
        catalog = [PlannedProduct(p["id"], "general", p["name"], (p["skus"][0]["id"],))
                   for p in (create_product(admin, code=f"SIM-{uuid.uuid4().hex[:6]}")
                             for _ in range(2))]
    people = []
    for i in range(3):
        client, _ = shopper(api, points=1000 * i)  # the first has none: nothing to redeem
        people.append(type("S", (), {"index": i, "email": client.get("/v1/me").json()["email"],
                                     "password": "shopper-pass-1"})())
    now = datetime.now(UTC)
    with ApiClient(api.url) as client:
        sim = SimPointsMall(client, api.admin_token(), seed=7, catalog=catalog)
        sim.setup(now)
        assert len(sim.items) == 2
        sim.end_of_day(people, 0, now)
    assert sim.redeemed == 2 and sim.points_spent >= 400
    with api.sessions() as s:
        assert points.check(s) == []
