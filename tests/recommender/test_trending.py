from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from recommender.trending import (
    for_new_visitor,
    popular,
    popular_lists,
    trending,
    user_regions,
)

NOW = datetime(2026, 3, 10, tzinfo=UTC)


def _rows(rows):
    """rows: (user_id, product_id, interaction_type, age_days)."""
    weights = {"view": 1, "cart": 3, "purchase": 5}
    return pd.DataFrame(
        [{"user_id": u, "product_id": p, "interaction_type": kind, "weight": weights[kind],
          "occurred_at": NOW - timedelta(days=age)} for u, p, kind, age in rows]
    )


def test_popularity_sums_weights_and_normalises_to_the_best():
    frame = _rows([("u1", "a", "view", 0), ("u2", "a", "view", 0), ("u1", "b", "purchase", 0),
                   ("u3", "c", "cart", 0)])
    # a = 2, b = 5, c = 3
    assert popular(frame) == [("b", 1.0), ("c", 0.6), ("a", 0.4)]
    assert popular(frame, n=1) == [("b", 1.0)]


def test_lists_per_segment_region_and_category():
    frame = _rows([("u1", "a", "purchase", 0), ("u2", "b", "purchase", 0),
                   ("u2", "a", "view", 0), (None, "c", "view", 0)])
    lists = popular_lists(frame, segments={"u1": "champions", "u2": "new"},
                          regions={"u1": "north"}, categories={"a": "k1", "b": "k1", "c": "k2"})
    assert lists["all"] == [("a", 1.0), ("b", round(5 / 6, 6)), ("c", round(1 / 6, 6))]
    assert lists["segment:champions"] == [("a", 1.0)]
    assert lists["segment:new"] == [("b", 1.0), ("a", 0.2)]
    assert lists["region:north"] == [("a", 1.0)]
    assert lists["category:k1"] == [("a", 1.0), ("b", round(5 / 6, 6))]
    assert lists["category:k2"] == [("c", 1.0)]
    assert for_new_visitor(lists, "north") == [("a", 1.0)]
    assert for_new_visitor(lists, "nowhere") == lists["all"]
    assert for_new_visitor(lists) == lists["all"]


def test_trending_halves_an_interaction_per_half_life():
    # "old": 5 four days ago (two half-lives of 2 days: 1.25); "fresh": 2 today.
    frame = _rows([("u1", "old", "purchase", 4), ("u1", "fresh", "view", 0),
                   ("u2", "fresh", "view", 0)])
    assert trending(frame, now=NOW, half_life_days=2.0) == [("fresh", 1.0), ("old", 0.625)]
    # seen from four days later, fresh is 0.5 and old 0.3125
    later = NOW + timedelta(days=4)
    assert trending(frame, now=later, half_life_days=2.0) == [("fresh", 1.0), ("old", 0.625)]
    # without decay the purchase would win
    assert popular(frame)[0] == ("old", 1.0)


def test_trending_ignores_what_happened_after_now():
    frame = _rows([("u1", "a", "view", 0), ("u1", "b", "purchase", -1)])
    assert trending(frame, now=NOW) == [("a", 1.0)]
    with pytest.raises(ValueError):
        trending(frame, now=NOW, half_life_days=0)


def test_user_region_is_that_of_most_orders_counting_an_order_once():
    sub_orders = pd.DataFrame(
        {"user_id": ["u1", "u1", "u1", "u1", "u2", "u2"],
         "order_id": ["o1", "o1", "o1", "o2", "o3", "o4"],
         "shipping_region": ["east", "east", "east", "west", "unknown", "south"]}
    )
    # u1: east once (three sub-orders of one order), west once -> tie -> "east" (smaller)
    assert user_regions(sub_orders) == {"u1": "east", "u2": "south"}
