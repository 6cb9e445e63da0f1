"""The intent classifier on the UCI Online Shoppers file (../shared/data), when present."""

from pathlib import Path

import pandas as pd
import pytest

from recommender.intent.evaluate import cross_validate_intent

DATA = (Path(__file__).resolve().parents[3]
        / "../shared/data/online_shoppers_intention/online_shoppers_intention.csv")

pytestmark = pytest.mark.skipif(not DATA.exists(), reason="shared UCI shoppers file absent")


def _beats_majority(result):
    model, majority = result["model"], result["majority"]
    for metric in ("roc_auc", "pr_auc", "f1"):
        assert model[metric]["mean"] > majority[metric]["mean"], metric
    assert model["brier"]["mean"] < majority["brier"]["mean"]
    # No resampling: every test fold holds the file's natural buyer rate.
    rates = [f["test_buyers"] / f["test_rows"] for f in result["per_fold"]]
    assert max(rates) - min(rates) < 0.01


def test_three_folds_beat_the_majority_class():
    _beats_majority(cross_validate_intent(pd.read_csv(DATA), folds=3, inner_folds=3, seed=1))


@pytest.mark.slow
def test_ten_folds_meet_the_issue_targets():
    result = cross_validate_intent(pd.read_csv(DATA), folds=10, inner_folds=5, seed=0)
    _beats_majority(result)
    assert result["model"]["roc_auc"]["mean"] >= 0.93
    assert result["model"]["pr_auc"]["mean"] >= 0.75
    assert result["model"]["f1"]["mean"] >= 0.68
