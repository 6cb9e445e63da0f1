"""Stratified k-fold evaluation of the intent classifier beside a majority-class baseline.

Test folds keep the natural buyer rate (no resampling); everything fitted (encoders,
model, calibration, decision threshold) sees the training folds only.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    f1_score,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold

from recommender.intent import model as intent_model
from recommender.intent.features import split_label

METRICS = ("accuracy", "roc_auc", "pr_auc", "f1", "tpr", "tnr", "brier")


def scores(y_true: np.ndarray, proba: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    y_true = np.asarray(y_true, dtype=int)
    predicted = np.asarray(predicted, dtype=int)
    positives, negatives = y_true == 1, y_true == 0
    return {
        "accuracy": float(accuracy_score(y_true, predicted)),
        "roc_auc": float(roc_auc_score(y_true, proba)),
        "pr_auc": float(average_precision_score(y_true, proba)),
        "f1": float(f1_score(y_true, predicted, zero_division=0)),
        "tpr": float(predicted[positives].mean()) if positives.any() else float("nan"),
        "tnr": float(1 - predicted[negatives].mean()) if negatives.any() else float("nan"),
        "brier": float(brier_score_loss(y_true, proba)),
    }


def majority(y_train: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The majority class everywhere; its probability is the training base rate."""
    rate = float(np.mean(y_train))
    return np.full(size, rate), np.full(size, int(rate > 0.5))


def summarise(rows: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    table = pd.DataFrame(rows)
    return {m: {"mean": float(table[m].mean()), "std": float(table[m].std(ddof=1))}
            for m in METRICS}


def cross_validate_intent(frame: pd.DataFrame, *, folds: int = 10, seed: int = 0,
                          inner_folds: int = 5,
                          base: intent_model.BaseFactory = intent_model.hgb,
                          progress: Callable[[str], None] | None = None) -> dict:
    X, y = split_label(frame)
    X = X.reset_index(drop=True)
    y = y.reset_index(drop=True)
    outer = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    model_rows, baseline_rows, fold_rows = [], [], []
    started = time.monotonic()
    for number, (train, test) in enumerate(outer.split(X, y), start=1):
        fitted = intent_model.fit_intent(X.iloc[train], y.iloc[train], base=base,
                                         calibration_folds=inner_folds, seed=seed + number)
        proba = fitted.predict_proba(X.iloc[test])
        y_test = y.iloc[test].to_numpy()
        model_rows.append(scores(y_test, proba, (proba >= fitted.threshold).astype(int)))
        base_proba, base_pred = majority(y.iloc[train].to_numpy(), len(test))
        baseline_rows.append(scores(y_test, base_proba, base_pred))
        fold_rows.append({"fold": number, "threshold": fitted.threshold,
                          "test_rows": len(test), "test_buyers": int(y_test.sum()),
                          "model": model_rows[-1], "majority": baseline_rows[-1]})
        if progress:
            m = model_rows[-1]
            progress(f"fold {number}/{folds}: roc_auc={m['roc_auc']:.4f} "
                     f"pr_auc={m['pr_auc']:.4f} f1={m['f1']:.4f} "
                     f"threshold={fitted.threshold:.3f} ({time.monotonic() - started:.0f}s)")
    return {
        "rows": int(len(y)), "buyer_rate": float(y.mean()), "folds": folds, "seed": seed,
        "inner_folds": inner_folds,
        "model": summarise(model_rows), "majority": summarise(baseline_rows),
        "per_fold": fold_rows, "seconds": round(time.monotonic() - started, 1),
    }
