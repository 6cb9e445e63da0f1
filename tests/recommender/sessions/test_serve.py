"""The serving approximation: exported lists, replayed offline with the request-time merge
(score_recent itself is tested in tests/recommender/test_serving.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.serving import score_recent
from recommender.sessions.baselines import SequentialRules
from recommender.sessions.data import build_index, normalise
from recommender.sessions.serve import Served, export_next_lists


def test_exported_lists_are_normalised_best_first_and_bounded():
    rows = [(f"s{n}", item, float(n * 10 + i))
            for n in range(30) for i, item in enumerate(["a", "b", f"c{n % 7}"])]
    ix = build_index(normalise(pd.DataFrame(rows, columns=["SessionId", "ItemId", "Time"])))
    lists = export_next_lists(SequentialRules().fit(ix), ix, n=3)
    assert lists["a"][0] == ("b", 1.0)
    assert all(len(v) <= 3 for v in lists.values())
    for values in lists.values():
        scores = [s for _, s in values]
        assert scores == sorted(scores, reverse=True) and scores[0] == 1.0
    # the served model replays score_recent exactly
    served = Served(lists, ix)
    dense = served.score(ix.encode(["a", "b"]), 0.0)
    expected = dict(score_recent(["a", "b"], lists, limit=50))
    assert {ix.item_ids[i]: s for i, s in enumerate(dense) if s} == pytest.approx(expected)
    assert np.count_nonzero(dense) == len(expected)
