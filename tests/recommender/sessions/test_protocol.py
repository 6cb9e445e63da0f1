"""session-rec's protocol on tiny hand-made frames: split, filters, ranks, metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.sessions.data import build_index, normalise
from recommender.sessions.replay import ReplayResult, encode_test, replay, target_rank
from recommender.sessions.split import DAY, filter_test, last_day_split


def frame(rows):
    return normalise(pd.DataFrame(rows, columns=["SessionId", "ItemId", "Time"]))


class Fixed:
    """Scores given per call, so the expected ranks are set by the test, not by a model."""

    def __init__(self, *calls):
        self.calls, self.prefixes = list(calls), []

    def score(self, prefix, timestamp):
        self.prefixes.append(list(prefix))
        return np.asarray(self.calls.pop(0), dtype=float)


def test_split_takes_sessions_ending_in_the_final_day_whole():
    end = 10 * DAY
    clicks = frame([
        ("old", "a", 1.0), ("old", "b", 2.0),
        ("straddles", "a", end - DAY - 500), ("straddles", "c", end - DAY + 10),
        ("edge", "b", end - DAY - 5), ("edge", "c", end - DAY),  # last click exactly at cutoff
        ("before", "a", end - DAY - 2), ("before", "b", end - DAY - 1),
        ("last", "a", end - 5), ("last", "b", end),
    ])
    train, test = last_day_split(clicks)
    assert set(train["SessionId"]) == {"old", "before"}
    assert set(test["SessionId"]) == {"straddles", "edge", "last"}
    # a session that began before the cutoff moves with all of its clicks
    assert len(test[test["SessionId"] == "straddles"]) == 2


def test_unknown_items_go_first_then_short_sessions():
    test = frame([
        ("keeps", "a", 1), ("keeps", "zz", 2), ("keeps", "b", 3),
        ("one_left", "a", 1), ("one_left", "zz", 2),
        ("none", "yy", 1), ("none", "zz", 2),
        ("single", "a", 1),
    ])
    out = filter_test(test, ["a", "b"])
    assert list(out["SessionId"]) == ["keeps", "keeps"]
    assert list(out["ItemId"]) == ["a", "b"]


def test_rank_puts_every_tied_item_ahead_of_the_target():
    scores = np.array([3.0, 2.0, 2.0, 2.0, 0.0])
    assert target_rank(scores, 0) == 1
    assert target_rank(scores, 1) == 4  # two other items tie at 2 and one scores higher
    assert target_rank(scores, 4) == 5  # unscored: behind everything


def test_an_unscored_target_misses_when_enough_items_exist():
    scores = np.zeros(30)
    scores[:5] = 1.0
    result = ReplayResult()
    result.add(target_rank(scores, 29), (20, 10))
    assert result.metrics()["hr@20"] == 0.0


def test_replay_keeps_repeated_targets_and_computes_metrics_by_hand():
    train = build_index(frame([("t", "a", 1), ("t", "b", 2), ("t", "c", 3), ("t", "d", 4)]))
    test = frame([("s", "a", 10), ("s", "b", 11), ("s", "a", 12), ("s", "a", 13)])
    sessions = encode_test(test, train)
    a, b, c, d = (train.code_of[x] for x in "abcd")
    first = np.zeros(4)
    first[[a, b, c]] = [1.0, 3.0, 2.0]  # target b ranks 1
    second = np.zeros(4)
    second[[b, c, d]] = [5.0, 4.0, 1.0]  # target a unscored: rank 4
    third = np.zeros(4)
    third[[a, b]] = [2.0, 2.0]  # target a ties with b: rank 2
    model = Fixed(first, second, third)
    result = replay(model, sessions, cutoffs=(2, 1)).metrics(cutoffs=(2, 1))
    assert result["predictions"] == 3  # the repeated a's are both targets
    assert model.prefixes == [[a], [a, b], [a, b, a]]
    assert result["hr@2"] == pytest.approx(2 / 3)
    assert result["mrr@2"] == pytest.approx((1 + 0 + 1 / 2) / 3)
    assert result["hr@1"] == pytest.approx(1 / 3)
    assert result["mrr@1"] == pytest.approx(1 / 3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 5), min_size=40, max_size=40),
                          st.integers(0, 39)), min_size=1, max_size=25))
def test_hit_rate_grows_with_the_cutoff_and_bounds_mrr(cases):
    result = ReplayResult()
    for scores, target in cases:
        result.add(target_rank(np.array(scores, dtype=float), target), (20, 10))
    m = result.metrics()
    assert m["hr@20"] >= m["hr@10"]
    assert m["mrr@20"] >= m["mrr@10"]
    assert m["mrr@20"] <= m["hr@20"]
    assert m["mrr@10"] <= m["hr@10"]
    assert 0.0 <= m["hr@20"] <= 1.0
