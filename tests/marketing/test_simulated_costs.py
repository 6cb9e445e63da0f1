"""The demo's campaign costs: one per paid channel and simulated day, priced from the plan's
clicks, entered through the operators' endpoint once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.api.payment_helpers import outbox_events
from tests.conftest import make_settings, run_api
from transactional_api.simulator.campaigns import daily_costs, record_campaign_costs
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.shoppers import Plan, Visit

DAYS = [date(2025, 3, 1), date(2025, 3, 2)]


def _plan() -> Plan:
    # day 0: two visits from paid social, one from brand search, one organic; day 1: none
    visits = [Visit(i, 0, f"s{i}", channel, "mobile") for i, channel in enumerate(
        ["paid_social", "paid_social", "brand_search", "organic"])]
    ends = [datetime(d.year, d.month, d.day, 23, 59, tzinfo=UTC) for d in DAYS]
    return Plan(shoppers=[], days=DAYS, visits=visits, day_ends=ends)


def _amounts(seed: int) -> dict[tuple[str, str], int]:
    return {(b["campaign"], b["day"]): b["amount_cents"] for _, b in daily_costs(_plan(), seed)}


def test_costs_follow_the_clicks_of_each_paid_channel():
    bodies = daily_costs(_plan(), seed=7)
    # four paid channels (organic and direct cost nothing) x two days
    assert sorted({(b["campaign"], b["source"], b["medium"]) for _, b in bodies}) == [
        ("brand", "google", "cpc"), ("generic", "google", "cpc"),
        ("spring", "facebook", "paid_social"), ("weekly", "newsletter", "email")]
    amounts = _amounts(7)
    assert len(amounts) == 8
    # price before the +-15% wobble: fixed per day + per click x clicks
    expected = {("spring", "2025-03-01"): 600 + 2 * 90, ("brand", "2025-03-01"): 150 + 45,
                ("generic", "2025-03-01"): 400, ("weekly", "2025-03-01"): 700,
                ("spring", "2025-03-02"): 600, ("brand", "2025-03-02"): 150,
                ("generic", "2025-03-02"): 400, ("weekly", "2025-03-02"): 700}
    for key, price in expected.items():
        assert 0.85 * price <= amounts[key] <= 1.15 * price, key
    assert _amounts(7) == amounts and _amounts(8) != amounts  # the seed decides the wobble


@pytest.fixture
def sim_api(tmp_path, redis_server):
    """An API that honours the simulator's clock header, as `flywheel demo` runs it."""
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, simulated_clock=True))


def test_costs_are_entered_once_through_the_api(sim_api):
    api = sim_api
    plan = _plan()
    with ApiClient(api.url) as client:
        token = api.admin_token()
        assert record_campaign_costs(client, admin_token=None, plan=plan, seed=7) == 0
        assert record_campaign_costs(client, admin_token=token, plan=plan, seed=7) == 8
        # a re-run on the same shop finds every cost there and changes nothing
        assert record_campaign_costs(client, admin_token=token, plan=plan, seed=7) == 0
        listed = client.get("/v1/admin/campaign-costs", token=token)
    assert listed["total"] == 8
    assert listed["total_cents"] == {"USD": sum(_amounts(7).values())}
    assert len(outbox_events(api, "campaign_cost_set")) == 8
    # each day's costs are entered as of that day's end, on the simulated clock
    assert {(i["day"], datetime.fromisoformat(i["created_at"])) for i in listed["items"]} == {
        (d.isoformat(), end) for d, end in zip(DAYS, plan.day_ends, strict=True)}
