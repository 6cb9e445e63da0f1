"""Rule and kNN models on hand-made sessions, with the expected scores worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recommender.sessions.baselines import AssociationRules, Popularity, SequentialRules
from recommender.sessions.data import build_index, normalise
from recommender.sessions.knn import VSKNN, VSTAN
from recommender.sessions.models import make_model


def index_of(sessions: dict[str, list[str]], end_times: dict[str, float] | None = None):
    rows = []
    for sid, items in sessions.items():
        end = (end_times or {}).get(sid, 1000.0)
        rows += [(sid, item, end - len(items) + 1 + i) for i, item in enumerate(items)]
    return build_index(normalise(pd.DataFrame(rows, columns=["SessionId", "ItemId", "Time"])))


def scores_by_item(index, scores):
    return {index.item_ids[i]: float(s) for i, s in enumerate(scores) if s}


def test_popularity_counts_clicks():
    ix = index_of({"s1": ["a", "b", "a"], "s2": ["a", "c"]})
    got = scores_by_item(ix, Popularity().fit(ix).score(np.array([0]), 0.0))
    assert got == pytest.approx({"a": 1.0, "b": 1 / 3, "c": 1 / 3})


def test_sequential_rules_weigh_one_over_distance_and_look_forward_only():
    ix = index_of({"s1": ["a", "b", "c"], "s2": ["a", "c"]})
    sr = SequentialRules(steps=10).fit(ix)
    after_a = scores_by_item(ix, sr.score(ix.encode(["c", "a"]), 0.0))  # only the last counts
    assert after_a == pytest.approx({"b": 1.0, "c": 0.5 + 1.0})
    assert scores_by_item(ix, sr.score(ix.encode(["c"]), 0.0)) == {}


def test_sequential_rules_respect_steps():
    ix = index_of({"s1": ["a", "b", "c", "d"]})
    got = scores_by_item(ix, SequentialRules(steps=2).fit(ix).score(ix.encode(["a"]), 0.0))
    assert got == pytest.approx({"b": 1.0, "c": 0.5})


def test_association_rules_count_pairs_both_ways_including_repeats():
    ix = index_of({"s1": ["a", "b", "a"], "s2": ["b", "c"]})
    ar = AssociationRules().fit(ix)
    assert scores_by_item(ix, ar.score(ix.encode(["a"]), 0.0)) == {"a": 2.0, "b": 2.0}
    assert scores_by_item(ix, ar.score(ix.encode(["b"]), 0.0)) == {"a": 2.0, "c": 1.0}


def test_pruning_keeps_the_strongest_rules():
    ix = index_of({"s1": ["a", "b"], "s2": ["a", "b"], "s3": ["a", "c"]})
    got = scores_by_item(ix, AssociationRules(pruning=1).fit(ix).score(ix.encode(["a"]), 0.0))
    assert got == {"b": 2.0}


def test_vsknn_prefers_neighbours_of_the_most_recent_click():
    # n1 shares the older click x, n2 the latest click y; both same size and age
    ix = index_of({"n1": ["x", "p"], "n2": ["y", "q"]})
    model = VSKNN(k=10, sample_size=10, remind=False).fit(ix)
    got = scores_by_item(ix, model.score(ix.encode(["x", "y"]), 1000.0))
    # vec similarity: weight of shared item (1/2 or 2/2) / 2 distinct items; vote decay 1/steps
    assert got == pytest.approx({"p": (0.5 / 2) / 2, "q": (1.0 / 2) / 1})


def test_vstan_decays_older_neighbours_and_far_items():
    day = 86_400.0
    ix = index_of({"old": ["x", "p"], "new": ["x", "q", "r"]},
                  end_times={"old": 1000.0, "new": 1000.0 + day})
    model = VSTAN(k=10, sample_size=10, similarity="cosine", lambda_spw=None, lambda_snh=1.0,
                  lambda_inh=1.0, lambda_ipw=None, lambda_idf=None, remind=False).fit(ix)
    now = 1000.0 + day
    got = scores_by_item(ix, model.score(ix.encode(["x"]), now))
    sim_old = 1 / math.sqrt(2) * math.exp(-1.0)  # one day older, lambda_snh = 1 day
    sim_new = 1 / math.sqrt(3)
    assert got == pytest.approx({"p": sim_old * math.exp(-1), "q": sim_new * math.exp(-1),
                                 "r": sim_new * math.exp(-2)})


def test_remind_lets_the_session_own_items_score():
    ix = index_of({"n": ["x", "y"]})
    kwargs = dict(k=5, sample_size=5)
    with_own = scores_by_item(ix, VSTAN(**kwargs).fit(ix).score(ix.encode(["x"]), 1000.0))
    without = scores_by_item(
        ix, VSTAN(remind=False, **kwargs).fit(ix).score(ix.encode(["x"]), 1000.0))
    assert with_own["x"] > 0 and "x" not in without


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown session model"):
        make_model("gru4rec")
