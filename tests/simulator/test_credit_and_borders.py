"""Issue 16's shoppers against the real API on the simulated clock: installments with
three months of bills (one paid late), a second market, Portuguese, and orders abroad —
checked in the OLTP, not only in the play's own counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from transactional_api.credit.models import CreditLine, CreditPlan
from transactional_api.orders.models import Order
from transactional_api.simulator import credit_and_borders
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.run import ensure_catalog


@pytest.fixture
def sim_api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, simulated_clock=True))


def test_credit_markets_languages_and_duties_in_the_shop(sim_api):
    now = datetime.now(UTC).replace(microsecond=0)
    first_day = now - timedelta(days=3)
    with ApiClient(sim_api.url) as client:
        admin = client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        ensure_catalog(client, admin_token=admin, seed=7, clock=first_day - timedelta(days=200))
        out = credit_and_borders.run(client, admin, seed=7, first_day=first_day, clock=now,
                                     shoppers=3)
    credit, market = out["credit"], out["second_market"]
    assert credit["approved"] >= 1 and credit["plans"] == credit["approved"]
    assert credit["late_bills"] >= 1 and credit["bills_repaid"] >= credit["plans"]
    assert market["paid"] >= 1
    assert out["cross_border"]["paid"] >= 1
    assert out["language"]["category_texts"] >= 1
    with sim_api.sessions() as s:
        plans = s.scalars(select(CreditPlan)).all()
        assert len(plans) == credit["plans"]
        # every plan bought and billed before the first simulated day
        assert all(p.created_at < first_day for p in plans)
        lines = s.scalars(select(CreditLine)).all()
        assert all(line.used_cents == 0 for line in lines)  # all repaid: the limit is whole
        in_brl = s.scalar(select(func.count()).select_from(Order)
                          .where(Order.currency == "BRL", Order.paid_at.is_not(None)))
        assert in_brl == market["paid"]
        abroad = s.scalar(select(func.count()).select_from(Order)
                          .where(Order.duties_cents > 0))
        assert abroad >= 1
