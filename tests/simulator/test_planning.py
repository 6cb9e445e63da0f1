"""The planning layer is pure: one seed, one script of visits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.simulator.seeds import demo_products
from transactional_api.simulator.shoppers import CHANNELS, plan_simulation

NOW = datetime(2025, 3, 14, 18, 30, tzinfo=UTC)


def plan(seed: int, shoppers: int = 40, days: int = 5):
    return plan_simulation(seed=seed, shoppers=shoppers, days=days, catalog=demo_products(),
                           now=NOW)


def test_same_seed_same_script():
    a, b = plan(7), plan(7)
    assert a.visits == b.visits
    assert a.shoppers == b.shoppers


def test_other_seed_other_script():
    assert plan(7).visits != plan(8).visits


def test_visits_stay_inside_their_day_and_before_now():
    p = plan(3)
    assert [d.isoformat() for d in p.days][-1] == "2025-03-14"
    for v in p.visits:
        day_start = datetime.combine(p.days[v.day], datetime.min.time(), tzinfo=UTC)
        assert day_start <= v.start < p.day_ends[v.day]
        assert v.start <= NOW
        times = [s.at for s in v.steps]
        assert times == sorted(times)
    starts = [v.start for v in p.visits]
    assert starts == sorted(starts)


def test_every_shopper_and_session_has_distinct_ids():
    p = plan(5)
    assert len({s.anonymous_id for s in p.shoppers}) == len(p.shoppers)
    assert len({s.email for s in p.shoppers}) == len(p.shoppers)
    assert len({v.session_id for v in p.visits}) == len(p.visits)


def test_steps_follow_the_storefront_rules():
    p = plan(11, shoppers=80, days=7)
    kinds = {s.kind for v in p.visits for s in v.steps}
    guest_carts = [v for v in p.visits
                   if "add_to_cart" in (seq := [s.kind for s in v.steps])
                   and ("login" not in seq or seq.index("login") > seq.index("add_to_cart"))]
    assert guest_carts, "no shopper ever carts as a guest"
    # a week of 80 shoppers exercises every step the runner knows
    assert kinds == {"login", "page_view", "search", "product_view", "add_to_cart",
                     "remove_from_cart", "checkout_started", "place_order", "pay",
                     "cancel_order"}
    for v in p.visits:
        seq = [s.kind for s in v.steps]
        assert seq[0] in ("login", "page_view")
        if "checkout_started" in seq:  # guests may cart, but checkout needs an account
            assert "login" in seq and seq.index("login") < seq.index("checkout_started")
        if "place_order" in seq:
            assert seq.index("checkout_started") < seq.index("place_order")
        if "pay" in seq or "cancel_order" in seq:
            assert "place_order" in seq
        assert v.channel in CHANNELS


def test_some_visits_pause_long_enough_to_split_a_session():
    p = plan(2, shoppers=80, days=7)
    gaps = [b.at - a.at for v in p.visits for a, b in zip(v.steps, v.steps[1:], strict=False)]
    long = [g for g in gaps if g > timedelta(minutes=30)]
    assert long, "no visit has a >30 min pause"
    assert len(long) < len(p.visits) * 0.2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_paid_channels_convert_differently(seed):
    p = plan(seed, shoppers=150, days=7)
    rates = {}
    for name in ("brand_search", "paid_social"):
        visits = [v for v in p.visits if v.channel == name]
        orders = sum(any(s.kind == "place_order" for s in v.steps) for v in visits)
        rates[name] = orders / max(1, len(visits))
    assert rates["brand_search"] > rates["paid_social"]
