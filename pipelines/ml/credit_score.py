"""The credit score: P(a bill goes overdue in the next HORIZON_DAYS days) from the
features of credit_features, mapped to 0-1000 (higher = safer), with each user's main
factors; published to Redis as ``credit:score:{user_id}`` for transactional_api/credit.

Why logistic regression, not gradient boosting: the inputs are a few monotone signals
(overdue bills, on-time rate, refunds, risk decisions), the training sets are small
(a demo warehouse has a few hundred borrowers), and a linear model's signed contributions
(coefficient times the standardised input) are exact per-user explanations, which every
credit decision must give. Regularisation strength is picked on the training period's
own last cut-off (time-ordered), never on the hold-out.

The published score is the model's score minus the ``score_penalty`` recorded on each
credit_bill_overdue event of the last PENALTY_WINDOW_DAYS days (credit's
credit_overdue_score_penalty: "the scoring pipeline applies it"), so an overdue bill lowers
the next score even before the model has seen enough overdue bills to learn from.
"""

import json
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd
import redis
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from pipelines.ml import credit_features, credit_histories
from pipelines.resources import RedisResource, WarehouseResource
from transactional_api.config import Settings
from transactional_api.credit.scoring import score_key

HORIZON_DAYS = 30
MODEL_NAME = "credit_logreg_v1"
C_GRID = (0.01, 0.1, 1.0, 10.0)
TOP_FACTORS = 4
MIN_CLASS_ROWS = 20  # fewer overdue (or clean) snapshots than this: learn from simulations
SIMULATED_USERS = 2000
SOURCES = [dg.AssetKey(["staging", "stg_oltp__users"]),
           dg.AssetKey(["staging", "stg_oltp__orders"]), dg.AssetKey(["marts", "fct_refunds"]),
           dg.AssetKey(["staging", "stg_flywheel__risk_decisions"]),
           dg.AssetKey(["staging", "stg_flywheel__events"])]


def model_path() -> Path:
    return (Settings().var_dir / "models" / "credit_score.pkl").resolve()


def monthly_cuts(first: datetime, last: datetime) -> list[datetime]:
    """Month starts after ``first`` whose label window ends by ``last``."""
    cuts, month = [], datetime(first.year, first.month, 1)
    while True:
        month = datetime(month.year + month.month // 12, month.month % 12 + 1, 1)
        if month + timedelta(days=HORIZON_DAYS) > last:
            return cuts
        cuts.append(month)


def snapshots(conn, cuts: list[datetime], log=None) -> pd.DataFrame:
    frames = []
    for i, cut in enumerate(cuts, 1):
        frames.append(credit_features.snapshot(conn, cut, HORIZON_DAYS))
        if log:
            log(f"credit snapshots: cut-off {i}/{len(cuts)} ({cut:%Y-%m-%d}), "
                f"{len(frames[-1])} borrowers")
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _xy(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return frame[list(credit_features.MODEL_FEATURES)].to_numpy(float), frame["label"].to_numpy()


def _fit(frame: pd.DataFrame, c: float) -> Pipeline:
    x, y = _xy(frame)
    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000)).fit(x, y)


def train(frame: pd.DataFrame) -> dict[str, Any]:
    """Fit on time-ordered snapshots; C picked on the last cut-off held back from the rest."""
    cuts = sorted(frame["cut"].unique())
    best_c, best_auc = 1.0, None
    if len(cuts) >= 3:
        early, last = frame[frame["cut"] < cuts[-1]], frame[frame["cut"] == cuts[-1]]
        if early["label"].nunique() == 2 and last["label"].nunique() == 2:
            for c in C_GRID:
                auc = roc_auc_score(last["label"], _fit(early, c).predict_proba(
                    _xy(last)[0])[:, 1])
                if best_auc is None or auc > best_auc:
                    best_c, best_auc = c, auc
    return {"pipeline": _fit(frame, best_c), "c": best_c, "validation_auc": best_auc,
            "features": list(credit_features.MODEL_FEATURES), "horizon_days": HORIZON_DAYS,
            "model": MODEL_NAME, "rows": len(frame), "positives": int(frame["label"].sum())}


def overdue_probability(model: dict[str, Any], frame: pd.DataFrame) -> np.ndarray:
    return model["pipeline"].predict_proba(frame[model["features"]].to_numpy(float))[:, 1]


def scores(model: dict[str, Any], frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per user: {"user_id", "score", "factors", "model"}, the factors largest first, each
    effect the signed log-odds it adds to the user's safety (+ raises the score)."""
    p = overdue_probability(model, frame)
    scaler, logreg = model["pipeline"][0], model["pipeline"][-1]
    contributions = scaler.transform(frame[model["features"]].to_numpy(float)) * logreg.coef_[0]
    out = []
    for i, row in enumerate(frame.itertuples(index=False)):
        penalty = int(getattr(row, "score_penalty", 0) or 0)
        score = int(np.clip(round(1000 * (1 - p[i])) - penalty, 0, 1000))
        order = np.argsort(-np.abs(contributions[i]))[:TOP_FACTORS]
        factors = [{"name": "overdue_penalty", "effect": f"-{penalty}"}] if penalty else []
        factors += [{"name": model["features"][j], "effect": f"{-contributions[i][j]:+.3f}"}
                    for j in order if abs(contributions[i][j]) >= 0.001]
        out.append({"user_id": row.user_id, "score": score, "factors": factors,
                    "model": model["model"]})
    return out


def fit_on_warehouse(conn, log) -> dict[str, Any] | None:
    """A model from the warehouse's own snapshots, or None when it holds too few labels."""
    span = conn.execute("select min(occurred_at), max(occurred_at) from "
                        "staging.stg_flywheel__events where event_type = "
                        "'installment_plan_created' or event_type = 'credit_bill_overdue'"
                        ).fetchone()
    if span[0] is None:
        return None
    frame = snapshots(conn, monthly_cuts(span[0], span[1]), log)
    if frame.empty or min(frame["label"].sum(), (1 - frame["label"]).sum()) < MIN_CLASS_ROWS:
        return None
    return {**train(frame), "trained_on": "warehouse"}


def fit_on_simulation(log, users: int = SIMULATED_USERS, seed: int = 0) -> dict[str, Any]:
    conn = credit_histories.generate(users, seed=seed)
    try:
        cuts = [credit_histories.month_start(m) for m in range(6, 23)]
        return {**train(snapshots(conn, cuts, log)), "trained_on": "simulated"}
    finally:
        conn.close()


def save(model: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(model))
    tmp.replace(path)  # readers see the previous model or this one


def load(path: Path) -> dict[str, Any]:
    return pickle.loads(path.read_bytes())  # noqa: S301 - our own file under var/


def publish(client: redis.Redis, rows: list[dict[str, Any]], computed_at: datetime) -> dict:
    """Every user's score in one MULTI/EXEC; scores of users no longer scored are deleted."""
    keys = {score_key(r["user_id"]): json.dumps(
        {"score": r["score"], "factors": r["factors"], "model": r["model"],
         "computed_at": computed_at.isoformat()}) for r in rows}
    existing = set(client.scan_iter(match=score_key("*")))
    existing = {k.decode() if isinstance(k, bytes) else k for k in existing}
    stale = existing - keys.keys()
    with client.pipeline(transaction=True) as pipe:
        if stale:
            pipe.delete(*sorted(stale))
        for key, value in keys.items():
            pipe.set(key, value)
        pipe.execute()
    return {"scores": len(keys), "deleted": len(stale)}


@dg.asset(
    group_name="ml",
    kinds={"python", "scikitlearn"},
    deps=SOURCES,
    description=f"Logistic regression of 'a bill goes overdue in the next {HORIZON_DAYS} "
    "days' on per-user credit features at monthly cut-offs (pipelines/ml/credit_features); "
    "learnt from simulated histories while the warehouse holds too few overdue bills.",
)
def credit_score_model(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect(read_only=True) as conn:
        model = fit_on_warehouse(conn, context.log.info)
    if model is None:
        context.log.info("credit_score_model: too few labelled snapshots in the warehouse, "
                         "training on simulated histories")
        model = fit_on_simulation(context.log.info)
    save(model, model_path())
    context.log.info(f"credit_score_model: {model['rows']} snapshots, {model['positives']} "
                     f"overdue, C={model['c']}, trained on {model['trained_on']}")
    return dg.MaterializeResult(metadata={
        "rows": model["rows"], "positives": model["positives"], "c": model["c"],
        "trained_on": model["trained_on"], "path": str(model_path()),
        "validation_auc": model["validation_auc"] or float("nan")})


@dg.asset(
    group_name="serve",
    kinds={"redis"},
    deps=["credit_score_model", *SOURCES],
    description="Every user's credit score (0-1000, higher = safer) and main factors, as "
    "of now, published to Redis as credit:score:{user_id} in one transaction.",
)
def published_credit_scores(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                            redis_store: RedisResource):
    client = redis_store.client()
    now = datetime.now(UTC)
    try:
        model = load(model_path())
        with warehouse.connect(read_only=True) as conn:
            frame = credit_features.features(conn, now)
        context.log.info(f"published_credit_scores: scoring {len(frame)} users")
        counts = publish(client, scores(model, frame), now)
    finally:
        client.close()
    context.log.info(f"published_credit_scores: {counts}")
    return dg.MaterializeResult(metadata={**counts, "model": MODEL_NAME})
