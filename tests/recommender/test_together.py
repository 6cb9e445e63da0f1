import math
from datetime import UTC, datetime, timedelta

import pandas as pd

from recommender.together import frequently_bought_together, seeded, viewed_together

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _orders(baskets: dict[str, list[str]], ages_days: dict[str, float] | None = None):
    ages_days = ages_days or {}
    return pd.DataFrame(
        [
            {"order_id": order, "product_id": pid,
             "ordered_at": NOW - timedelta(days=ages_days.get(order, 0.0))}
            for order, items in baskets.items()
            for pid in items
        ]
    )


# n(a)=4, n(b)=3, n(c)=2; co(a,b)=2, co(a,c)=1, co(b,c)=1
BASKETS = {"o1": ["a", "b"], "o2": ["a", "b"], "o3": ["a", "c"], "o4": ["b", "c"], "o5": ["a"]}


def test_plain_cosine_over_baskets_without_shrinkage():
    lists = frequently_bought_together(_orders(BASKETS), min_support=1, shrinkage=0.0)
    assert lists["a"] == [("b", round(2 / math.sqrt(12), 6)), ("c", round(1 / math.sqrt(8), 6))]
    assert lists["c"] == [("b", round(1 / math.sqrt(6), 6)), ("a", round(1 / math.sqrt(8), 6))]


def test_shrinkage_penalises_pairs_seen_once_more_than_pairs_seen_twice():
    lists = frequently_bought_together(_orders(BASKETS), min_support=1, shrinkage=1.0)
    # co / (co + 1): 2/3 for (a, b), 1/2 for (a, c)
    assert lists["a"] == [
        ("b", round(2 / math.sqrt(12) * 2 / 3, 6)),
        ("c", round(1 / math.sqrt(8) * 1 / 2, 6)),
    ]


def test_min_support_drops_pairs_seen_in_fewer_baskets():
    lists = frequently_bought_together(_orders(BASKETS), min_support=2, shrinkage=0.0)
    assert lists == {"a": [("b", round(2 / math.sqrt(12), 6))],
                     "b": [("a", round(2 / math.sqrt(12), 6))]}


def test_repeated_lines_in_one_order_count_once():
    doubled = {**BASKETS, "o1": ["a", "b", "b", "a"]}
    assert frequently_bought_together(_orders(doubled), min_support=1) == \
        frequently_bought_together(_orders(BASKETS), min_support=1)


def test_half_life_weighs_old_baskets_less():
    # o1 {a, b} today (weight 1), o2 {a, c} one half-life ago (weight 1/2).
    frame = _orders({"o1": ["a", "b"], "o2": ["a", "c"]}, {"o2": 2.0})
    lists = frequently_bought_together(frame, min_support=1, shrinkage=0.0,
                                       half_life_days=2.0, now=NOW)
    # decayed n(a) = 1.5, n(b) = 1, n(c) = 0.5
    assert lists["a"] == [("b", round(1 / math.sqrt(1.5), 6)),
                          ("c", round(0.5 / math.sqrt(1.5 * 0.5), 6))]
    undecayed = frequently_bought_together(frame, min_support=1, shrinkage=0.0)
    assert undecayed["a"][0][1] == undecayed["a"][1][1]


def test_viewed_together_groups_by_session_and_scores_are_symmetric():
    frame = pd.DataFrame(
        {"session_key": ["s1", "s1", "s1", "s2", "s2", "s3"],
         "product_id": ["x", "y", "z", "x", "y", "z"],
         "occurred_at": [NOW] * 6}
    )
    lists = viewed_together(frame, min_support=1, shrinkage=0.0)
    score = dict(lists["x"])["y"]
    assert score == dict(lists["y"])["x"] == round(2 / math.sqrt(4), 6)
    assert dict(lists["x"])["z"] == round(1 / math.sqrt(4), 6)


def test_top_n_and_ties_go_to_smaller_id():
    frame = _orders({"o1": ["a", "d", "c", "b"]})
    lists = frequently_bought_together(frame, min_support=1, shrinkage=0.0, top_n=2)
    assert lists["a"] == [("b", 1.0), ("c", 1.0)]


def test_seeded_weights_the_latest_item_most_and_excludes():
    neighbours = {"old": [("p", 1.0), ("q", 0.5)], "new": [("q", 0.9), ("r", 0.1)]}
    # q: 0.9 * 1 + 0.5 * 0.5 = 1.15 ; p: 1.0 * 0.5 ; r: 0.1
    assert seeded(["old", "new"], neighbours, recency=0.5) == [
        ("q", 1.15), ("p", 0.5), ("r", 0.1)]
    assert [pid for pid, _ in seeded(["old", "new"], neighbours, exclude={"q"})] == ["p", "r"]
