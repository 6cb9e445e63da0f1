"""The intent classifier on synthetic shoppers: signal, calibration, threshold hygiene."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import StratifiedKFold

from recommender.intent import model as intent_model
from recommender.intent.evaluate import cross_validate_intent, scores
from recommender.intent.features import split_label
from tests.recommender.intent.synthetic import shoppers


def test_a_learnable_signal_beats_the_majority_class():
    result = cross_validate_intent(shoppers(1500, seed=1), folds=3, inner_folds=3, seed=0)
    model, majority = result["model"], result["majority"]
    assert majority["roc_auc"]["mean"] == pytest.approx(0.5)
    assert majority["f1"]["mean"] == 0.0
    assert model["roc_auc"]["mean"] > majority["roc_auc"]["mean"] + 0.15
    assert model["pr_auc"]["mean"] > majority["pr_auc"]["mean"] + 0.1
    assert model["f1"]["mean"] > 0.3
    assert model["brier"]["mean"] < majority["brier"]["mean"]
    assert len(result["per_fold"]) == 3


def test_calibrated_probabilities_average_to_the_buyer_rate_on_fresh_data():
    X, y = split_label(shoppers(2000, seed=2))
    fitted = intent_model.fit_intent(X, y, calibration_folds=3, seed=0)
    X_new, y_new = split_label(shoppers(4000, seed=3))
    proba = fitted.predict_proba(X_new)
    assert proba.mean() == pytest.approx(y_new.mean(), abs=0.03)
    # Calibrated within bands too: among the confident ones, buyers are frequent.
    high = proba >= 0.5
    assert high.any()
    assert y_new[high].mean() == pytest.approx(proba[high].mean(), abs=0.12)


def test_the_threshold_is_chosen_on_training_rows_only(monkeypatch):
    frame = shoppers(900, seed=4)
    seen: list[set[int]] = []
    real = intent_model.choose_threshold

    def spy(y_true, proba):
        assert len(y_true) == len(proba) and not np.isnan(proba).any()
        seen.append(set(y_true.index))
        return real(y_true, proba)

    monkeypatch.setattr(intent_model, "choose_threshold", spy)
    cross_validate_intent(frame, folds=3, inner_folds=3, seed=7)
    _, y = split_label(frame)
    outer = StratifiedKFold(n_splits=3, shuffle=True, random_state=7)
    splits = list(outer.split(np.zeros(len(y)), y))
    assert len(seen) == len(splits)
    for rows, (train, test) in zip(seen, splits, strict=True):
        assert rows == set(train)
        assert rows.isdisjoint(test)


@pytest.mark.parametrize("labels", [[0] * 60, [1] * 60, [1, 1, 1] + [0] * 57])
def test_single_class_or_too_few_buyers_gives_the_base_rate(labels):
    X, _ = split_label(shoppers(60, seed=5))
    y = pd.Series(labels, index=X.index)
    fitted = intent_model.fit_intent(X, y, calibration_folds=5)
    assert fitted.estimator is None
    assert fitted.predict_proba(X) == pytest.approx(np.full(60, np.mean(labels)))


def test_noise_gives_no_skill():
    result = cross_validate_intent(shoppers(1200, seed=6, signal=0.0), folds=3, inner_folds=3)
    assert result["model"]["roc_auc"]["mean"] < 0.6


def _f1(y, predicted):
    tp = int(((predicted == 1) & (y == 1)).sum())
    return 0.0 if tp == 0 else 2 * tp / (int(predicted.sum()) + int(y.sum()))


cases = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=2, max_size=40)


@settings(max_examples=60, deadline=None)
@given(cases)
def test_choose_threshold_maximises_f1_over_every_cut(pairs):
    y = np.array([label for label, _ in pairs])
    proba = np.array([bucket / 20 for _, bucket in pairs])
    if y.sum() == 0:
        return
    cut = intent_model.choose_threshold(pd.Series(y), proba)
    best = max(_f1(y, (proba >= c).astype(int)) for c in np.unique(proba))
    assert _f1(y, (proba >= cut).astype(int)) == pytest.approx(best)


@settings(max_examples=60, deadline=None)
@given(cases, st.sampled_from([0.3, 0.5, 0.8]))
def test_precision_cut_is_the_lowest_reaching_the_minimum(pairs, minimum):
    y = np.array([label for label, _ in pairs])
    proba = np.array([bucket / 20 for _, bucket in pairs])
    if y.sum() == 0:
        return
    cut = intent_model.threshold_for_precision(pd.Series(y), proba, min_precision=minimum)
    reaching = [c for c in np.unique(proba) if y[proba >= c].mean() >= minimum]
    if reaching:
        assert cut == pytest.approx(min(reaching))
        assert y[proba >= cut].mean() >= minimum


def test_scores_count_true_positive_and_negative_rates():
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    predicted = np.array([1, 1, 1, 0, 1, 0, 0, 0, 0, 0])
    proba = np.array([0.9, 0.8, 0.7, 0.2, 0.6, 0.1, 0.1, 0.1, 0.1, 0.1])
    got = scores(y, proba, predicted)
    assert got["tpr"] == pytest.approx(3 / 4)
    assert got["tnr"] == pytest.approx(5 / 6)
    assert got["accuracy"] == pytest.approx(8 / 10)
    assert got["f1"] == pytest.approx(2 * 3 / (4 + 4))
    assert got["roc_auc"] == pytest.approx(23 / 24)  # one negative (0.6) above one positive
