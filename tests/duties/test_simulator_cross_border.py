"""The demo's cross-border shoppers against a live API: rates set, orders abroad placed
with their duties, and the same duties on the orders the API stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.duties.helpers import shop
from transactional_api.orders.models import Order
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.cross_border import run_cross_border


def test_shoppers_abroad_buy_and_pay_duties(api, admin):
    shop(admin)
    with ApiClient(api.url) as client:
        out = run_cross_border(client, admin_token=api.admin_token(),
                               clock=datetime.now(UTC), shoppers=4, seed=3)
    assert out.rates_set == 5 and out.placed == 4
    assert set(out.by_country) == {"GB", "DE", "JP", "CA"}
    with api.sessions() as db:
        duties, tax = db.execute(select(func.sum(Order.duties_cents),
                                        func.sum(Order.import_tax_cents))).one()
    assert (duties, tax) == (out.duties_cents, out.import_tax_cents)
    assert duties > 0 and tax > 0
