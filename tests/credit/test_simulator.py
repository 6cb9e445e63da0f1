"""The credit simulator against a live API: shoppers apply, buy on installments, repay,
and one pays late (its bill overdue, a late fee charged)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import create_product, make_settings, register, run_api
from tests.credit.helpers import outbox_events, publish_score
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.credit import simulate_credit


@pytest.fixture
def api(tmp_path, redis_server):
    # the simulator moves through three billing months with the simulated-clock header
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, simulated_clock=True))


def test_shoppers_buy_on_installments_repay_and_one_pays_late(api, admin):
    sku = create_product(admin, price_cents=12_000, stock=10, code="SIM-CR")["skus"][0]["id"]
    shoppers = []
    for i in range(3):
        email = f"sim-credit-{i}@example.com"
        token = register(api, email)
        with api.client(token) as c:
            publish_score(api, c.get("/v1/me").json()["id"], 700)
        shoppers.append((email, "shopper-pass-1"))
    with ApiClient(api.url) as client:
        done = simulate_credit(client, admin_token=api.admin_token(), shoppers=shoppers,
                               sku_ids=[sku], start=datetime.now(UTC), seed=7)
    assert (done["approved"], done["plans"], done["late_bills"]) == (3, 3, 1)
    assert done["bills_repaid"] == 9 and done["refused"] == 0
    [late] = outbox_events(api, "credit_bill_overdue")
    assert late["payload"]["late_fee_cents"] == api.settings.credit_late_fee_cents
    assert len(outbox_events(api, "credit_repayment_received")) == 9
