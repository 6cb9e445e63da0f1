"""The training run the Dagster asset makes: every list family, on synthetic behaviour
with structure the models must find."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from recommender import synthetic
from recommender.bundle import Inputs, session_clicks, train_bundle


@pytest.fixture(scope="module")
def trained():
    b = synthetic.make(20_000, items=300, users=400, categories=6, seed=3)
    inputs = Inputs(
        interactions=b.interactions, orders=b.orders,
        categories=dict(zip(b.products.product_id, b.products.category_id, strict=True)),
        segments=dict(zip(b.users.user_id, b.users.segment, strict=True)),
        regions=dict(zip(b.users.user_id, b.users.region, strict=True)),
        sessions=synthetic.sessions_of(b.interactions))
    bundle, timings = train_bundle(inputs, now=datetime(2026, 2, 1, tzinfo=UTC), version="t1")
    return b, bundle, timings


def test_every_family_is_trained_and_timed(trained):
    _, bundle, timings = trained
    lists = bundle["lists"]
    for family in ("session_next", "viewed_together", "als"):
        assert lists[family], family
    assert set(timings) >= {"session_next", "viewed_together", "fbt", "als", "popular",
                            "trending", "intent"}
    assert {"all"} | {f"region:{r}" for r in ("north", "south")} <= set(lists["popular"])
    assert all(len(v) <= 50 for fam in ("session_next", "als") for v in lists[fam].values())
    assert bundle["version"] == "t1" and bundle["interactions"] == 20_000


def test_next_items_follow_the_sessions_category(trained):
    """Sessions browse mostly one category: an item's next-click list is mostly that
    category, far above the 1/6 a category-blind list would show."""
    b, bundle, _ = trained
    cat = dict(zip(b.products.product_id, b.products.category_id, strict=True))
    same = total = 0
    for item, items in bundle["lists"]["session_next"].items():
        for other, _ in items[:10]:
            same += cat[other] == cat[item]
            total += 1
    assert total and same / total > 0.5


def test_intent_tags_users_of_likelier_sessions(trained):
    _, bundle, _ = trained
    intent = bundle["intent"]
    assert 0.0 < intent["threshold"] <= 1.0
    probs = intent["sessions"]
    assert probs and all(0.0 <= p <= 1.0 for p in probs.values())


def test_session_clicks_leave_out_purchases_and_keep_time_order():
    b = synthetic.make(2_000, items=50, users=30, seed=1)
    clicks = session_clicks(b.interactions)
    assert len(clicks) == int(b.interactions["interaction_type"].isin(["view", "cart"]).sum())
    assert (clicks.groupby("SessionId")["Time"].apply(lambda t: t.is_monotonic_increasing)).all()
