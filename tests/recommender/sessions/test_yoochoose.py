"""The models against the literature's baselines on real clicks (YOOCHOOSE 100k sample).

Only the training file's own last day is used (validation); the withheld test day is not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.sessions.__main__ import fit_models, prepare
from recommender.sessions.replay import encode_test, evaluate

DATA = Path(__file__).resolve().parents[3] / "../shared/data/yoochoose_sample"
TRAIN = DATA / "yoochoose-clicks-100k_train_full.txt"

pytestmark = pytest.mark.skipif(not TRAIN.exists(), reason="shared YOOCHOOSE sample absent")


@pytest.fixture(scope="module")
def figures():
    _, index, test = prepare(str(TRAIN), None)
    sessions = encode_test(test, index)
    assert len(sessions) > 1000
    models = fit_models(["popularity", "ar", "sr", "vstan", "vstan_sr", "served"], index,
                        progress=lambda _: None)
    return evaluate(models, sessions)


def test_best_model_beats_popularity_and_both_rule_baselines(figures):
    baselines = [figures[name] for name in ("popularity", "ar", "sr")]
    best = max(("vstan", "vstan_sr"), key=lambda n: figures[n]["hr@20"] + figures[n]["mrr@20"])
    assert figures[best]["hr@20"] >= max(b["hr@20"] for b in baselines) + 0.04
    assert figures[best]["mrr@20"] >= max(b["mrr@20"] for b in baselines) + 0.03
    assert figures[best]["ms_per_prediction"] <= 3.0


def test_served_lists_lose_little_against_the_full_model(figures):
    assert figures["served"]["hr@20"] >= figures["vstan_sr"]["hr@20"] - 0.03
    assert figures["served"]["mrr@20"] >= figures["vstan_sr"]["mrr@20"] - 0.02
    assert figures["served"]["hr@20"] > figures["sr"]["hr@20"]
