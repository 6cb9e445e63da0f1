"""The simulator's procurement play against a live API: a supplier, contracts, one PO
received in full and one left partially received, rejects counted, stock moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import create_product, make_settings, run_api
from tests.procurement.helpers import on_hand
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.procurement import play_procurement
from transactional_api.simulator.shoppers import PlannedProduct


@pytest.fixture
def api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, simulated_clock=True,
                                     procurement_interval_seconds=0))


def test_the_play_sends_and_receives_purchase_orders(api):
    with api.client(api.admin_token()) as admin:
        products = [create_product(admin, code=f"SIM-{i}", stock=0) for i in range(4)]
        catalog = [PlannedProduct(p["id"], "general", p["name"], (p["skus"][0]["id"],))
                   for p in products]
        end = datetime.now(UTC)
        with ApiClient(api.url) as client:
            out = play_procurement(client, api.admin_token(), catalog=catalog,
                                   start=end - timedelta(days=30), end=end, seed=3)
        statuses = [p["status"] for p in out["purchase_orders"]]
        assert statuses == ["received", "partially_received"]
        assert out["rejected"] > 0 and out["accepted"] > 0
        stocked = sum(on_hand(admin, p["skus"][0]["id"]) for p in products)
        assert stocked == out["accepted"]
        payables = admin.get("/v1/admin/procurement/payables").json()
        assert len(payables) == 4 and sum(p["status"] == "paid" for p in payables) == 2
