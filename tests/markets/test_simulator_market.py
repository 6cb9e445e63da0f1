"""The simulator's second market against a live API: orders in BRL, paid."""

from __future__ import annotations

from tests.conftest import create_product
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.markets import play_second_market


def test_shoppers_buy_in_the_second_market(api, admin):
    create_product(admin, price_cents=2000, code="SIM-1", stock=20)
    with ApiClient(api.url) as client:
        out = play_second_market(client, admin_token=api.admin_token(), shoppers=3)
        again = play_second_market(client, admin_token=api.admin_token(), shoppers=1, seed=1)
    assert (out["market"], out["currency"], out["orders"], out["paid"]) == ("br", "BRL", 3, 3)
    # 20.00 USD at today's 5.05 -> 101.00 BRL a unit, one unit per order (one SKU)
    assert out["total_minor"] == 3 * 10100
    assert again["orders"] == 1
    rates = admin.get("/v1/admin/fx-rates", params={"base": "USD", "quote": "BRL"}).json()
    # today's 5.05, yesterday 2 % lower, the day before 4 % lower (newest first)
    assert [r["rate"] for r in rates] == ["5.05", "4.949", "4.848"]
