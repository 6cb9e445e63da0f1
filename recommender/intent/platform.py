"""Purchase intent on Flywheel's own sessions (rows of marts.fct_sessions).

Features are what a live session shows before any purchase: page views, whether a product
was viewed and a cart add made, the time spent until the order (or so far), device,
channel, returning visitor, signed in, weekend. Never the order itself: `events` counts the
order events, `is_engaged` includes has_conversion, and checkout and later funnel steps are
the purchase under way, so none of them is a feature. Label: the session created an order
(has_conversion or reached_order_created).

The "high potential" tag: probability >= the threshold chosen on the training sessions'
out-of-fold predictions as the lowest cut with precision >= HIGH_POTENTIAL_MIN_PRECISION
(at least half of the tagged sessions converted), or the F1-best cut when no cut reaches it.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from recommender.intent.model import IntentModel, fit_intent, threshold_for_precision

HIGH_POTENTIAL_MIN_PRECISION = 0.5
# Below this many sessions a linear model generalises better than boosting.
BOOSTING_MIN_ROWS = 2000
# Eight features need no more: fitting on a stratified sample of this many sessions keeps
# training at seconds (200k sessions took two minutes with the calibration folds).
MAX_TRAINING_ROWS = 50_000
CATEGORICAL = ["device", "channel"]
NUMERIC = ["log_page_views", "log_seconds_before_order", "reached_product_view",
           "reached_add_to_cart", "is_returning", "log_session_number", "is_signed_in",
           "is_weekend"]


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(0.0, index=frame.index)
    return frame[column].fillna(False).astype(bool).astype(float)


def _time(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    return pd.to_datetime(frame[column], utc=True, errors="coerce")


def session_labels(sessions: pd.DataFrame) -> pd.Series:
    return (_flag(sessions, "has_conversion").astype(bool)
            | _flag(sessions, "reached_order_created").astype(bool)).astype(int)


def session_features(sessions: pd.DataFrame) -> pd.DataFrame:
    """One row per session of pre-purchase features (missing columns read as empty)."""
    start = _time(sessions, "session_start_at")
    # Time on site stops at the order: a buyer's later seconds are not known before buying.
    stop = _time(sessions, "order_created_at").fillna(_time(sessions, "session_end_at"))
    seconds = (stop - start).dt.total_seconds()
    if "duration_seconds" in sessions:
        seconds = seconds.fillna(pd.to_numeric(sessions["duration_seconds"], errors="coerce"))
    out = pd.DataFrame(index=sessions.index)
    views = pd.to_numeric(sessions.get("page_views", pd.Series(0, index=sessions.index)),
                          errors="coerce")
    number = pd.to_numeric(
        sessions.get("person_session_number", pd.Series(1, index=sessions.index)),
        errors="coerce")
    out["log_page_views"] = np.log1p(views.fillna(0).clip(lower=0))
    out["log_seconds_before_order"] = np.log1p(seconds.fillna(0).clip(lower=0))
    out["reached_product_view"] = _flag(sessions, "reached_product_view")
    out["reached_add_to_cart"] = _flag(sessions, "reached_add_to_cart")
    visitor_type = sessions.get("visitor_type", pd.Series("new", index=sessions.index))
    out["is_returning"] = (visitor_type == "returning").astype(float)
    out["log_session_number"] = np.log1p(number.fillna(1).clip(lower=1))
    user = sessions.get("user_id", pd.Series(None, index=sessions.index, dtype=object))
    out["is_signed_in"] = user.notna().astype(float)
    out["is_weekend"] = (start.dt.day_of_week >= 5).fillna(False).astype(float)
    for column in CATEGORICAL:
        values = sessions.get(column, pd.Series(None, index=sessions.index, dtype=object))
        out[column] = values.fillna("(not set)").astype(str)
    return out


def _columns(*, scale: bool) -> ColumnTransformer:
    encoder = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5,
                            sparse_output=False)
    return ColumnTransformer(
        [("categorical", encoder, CATEGORICAL),
         ("numeric", StandardScaler() if scale else "passthrough", NUMERIC)])


def _boosting(seed: int) -> Pipeline:
    booster = HistGradientBoostingClassifier(
        learning_rate=0.05, max_iter=200, max_leaf_nodes=15, min_samples_leaf=20,
        l2_regularization=1.0, early_stopping=False, random_state=seed)
    return Pipeline([("columns", _columns(scale=False)), ("model", booster)])


def _linear(seed: int) -> Pipeline:
    return Pipeline([("columns", _columns(scale=True)),
                     ("model", LogisticRegression(C=1.0, max_iter=2000))])


def train_platform_intent(sessions: pd.DataFrame, *, seed: int = 0,
                          min_precision: float = HIGH_POTENTIAL_MIN_PRECISION,
                          calibration_folds: int = 5,
                          max_rows: int = MAX_TRAINING_ROWS) -> IntentModel:
    """A calibrated intent model and its high-potential threshold, fitted on `sessions`.

    Tiny or single-class data gives a model with estimator None: every session then scores
    the base rate, and the threshold is 1.0 (nobody is tagged unless everybody converted).
    """
    if len(sessions) > max_rows:
        labels = session_labels(sessions)
        # the same share of each class, so the buyer rate (and calibration) is kept
        sessions = sessions.groupby(labels, group_keys=False).sample(
            frac=max_rows / len(sessions), random_state=seed)
    X = session_features(sessions)
    y = session_labels(sessions)
    base = _boosting if len(X) >= BOOSTING_MIN_ROWS else _linear
    chooser = partial(threshold_for_precision, min_precision=min_precision)
    return fit_intent(X, y, base=base, calibration_folds=calibration_folds, seed=seed,
                      chooser=chooser)


def score_sessions(model: IntentModel | None, sessions: pd.DataFrame) -> pd.Series:
    """Probability of an order per session, indexed by session_key when present."""
    index = (pd.Index(sessions["session_key"].astype(str), name="session_key")
             if "session_key" in sessions else sessions.index)
    if model is None:
        return pd.Series(0.0, index=index, name="intent_probability")
    proba = model.predict_proba(session_features(sessions))
    return pd.Series(np.asarray(proba, dtype=float), index=index, name="intent_probability")


def intent_bundle(model: IntentModel | None, sessions: pd.DataFrame) -> dict:
    """The bundle's "intent" section: probabilities per session, tagged users, threshold."""
    scores = score_sessions(model, sessions)
    threshold = 1.0 if model is None else float(model.threshold)
    tagged = scores.to_numpy() >= threshold
    users = pd.Series(None, index=sessions.index, dtype=object)
    for column in ("user_id", "stitched_user_id"):
        if column in sessions:
            users = users.fillna(sessions[column])
    high = sorted({str(u) for u in users[tagged] if pd.notna(u)})
    return {"sessions": {str(k): round(float(p), 6) for k, p in scores.items()},
            "high_potential_users": high, "threshold": round(threshold, 6)}
