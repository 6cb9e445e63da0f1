import math
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from recommender.offline import metrics
from recommender.offline.evaluate import evaluate, time_split
from recommender.offline.report import markdown

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CUT = T0 + timedelta(days=8)


def test_hit_rate_reciprocal_rank_and_ndcg_by_hand():
    ranked, targets = ["x", "t1", "y", "t2"], {"t1", "t2", "t3"}
    assert metrics.hit_rate(ranked, targets, 1) == 0.0
    assert metrics.hit_rate(ranked, targets, 2) == 1.0
    assert metrics.reciprocal_rank(ranked, targets, 3) == 0.5
    assert metrics.reciprocal_rank(ranked, {"zz"}, 3) == 0.0
    ideal3 = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg(ranked, targets, 3) == pytest.approx((1 / math.log2(3)) / ideal3)
    assert metrics.ndcg(ranked, targets, 4) == pytest.approx(
        (1 / math.log2(3) + 1 / math.log2(5)) / ideal3)
    assert metrics.ndcg(["t1"], {"t1"}, 10) == 1.0


def test_coverage_and_popularity_bias():
    assert metrics.coverage([["a", "b"], ["b", "c"], ["d"]], 8, 2) == 0.5
    percentiles = metrics.popularity_percentiles({"a": 2, "b": 1, "c": 1, "d": 1})
    assert percentiles == {"a": 1.0, "b": 0.75, "c": 0.75, "d": 0.75}
    assert metrics.popularity_bias([["a", "b"], ["c"], []], percentiles, 2) == pytest.approx(
        (0.875 + 0.75) / 2)


def _frame(rows):
    """rows: (user_id or None, visitor_key, session_key, product_id, type, day)."""
    weights = {"view": 1, "cart": 3, "purchase": 5}
    return pd.DataFrame(
        [{"user_id": u, "visitor_key": v, "session_key": s, "product_id": p,
          "interaction_type": kind, "weight": weights[kind],
          "occurred_at": T0 + timedelta(days=day)} for u, v, s, p, kind, day in rows]
    )


TINY = _frame([
    ("u1", "v1", "s1", "a", "view", 1), ("u1", "v1", "s1", "b", "view", 1),
    ("u2", "v2", "s2", "a", "view", 2), ("u3", "v3", "s3", "c", "cart", 3),
    (None, "v9", "s9", "d", "purchase", 4),
    ("u1", "v1", "s4", "c", "view", 9),                                    # u1: target c
    ("u2", "v2", "s5", "a", "view", 9), ("u2", "v2", "s5", "b", "view", 9),  # u2: target b
    ("u3", "v3", "s6", "c", "view", 9),                                    # u3: nothing new
    ("u4", "v4", "s7", "a", "view", 9),                                    # u4: no history
])


def test_time_split_targets_are_new_items_of_users_with_history():
    split = time_split(TINY, cut=CUT)
    assert split.histories["u1"] == ["a", "b"]
    assert split.targets == {"u1": {"c"}, "u2": {"b"}}
    assert len(split.train) == 5 and len(split.test) == 5


def test_evaluate_popularity_figures_by_hand():
    result = evaluate(TINY, cut=CUT, k=2, catalog_size=10, progress=lambda _m: None)
    assert result["users"] == 2
    pop = result["models"]["popularity"]
    # train popularity by weight: d 5, c 3, a 2, b 1; lists exclude the history:
    # u1 (a, b) -> [d, c]: hit at 2 ; u2 (a) -> [d, c]: miss
    assert pop["hr@2"] == 0.5
    assert pop["mrr@2"] == 0.25
    assert pop["ndcg@2"] == pytest.approx(round(0.5 / math.log2(3), 6))
    assert pop["coverage"] == 0.2
    # interaction counts a 2, b 1, c 1, d 1 -> c and d at the 0.75 percentile
    assert pop["popularity_bias"] == 0.75
    assert set(result["models"]) >= {"popularity", "trending", "viewed_together", "als"}
    text = markdown(result)
    assert "| popularity | 0.5000 | 0.2500 |" in text


def test_default_cut_leaves_the_last_fifth_of_the_span():
    split = time_split(TINY)
    # span day 1 .. day 9: cut at day 1 + 0.8 * 8 = day 7.4
    assert split.cut == pd.Timestamp(T0 + timedelta(days=7.4))


def test_nothing_before_the_cut_is_a_clear_error():
    with pytest.raises(ValueError):
        time_split(TINY.iloc[0:0])
