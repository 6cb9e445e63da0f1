"""Time-based offline evaluation of every list model beside popularity.

Protocol: interactions before the cut time train every model; a user (user_id, else the
visitor_key of an anonymous visitor) is evaluated when they have history before the cut and
touch, after it, at least one product they had not touched before: those products are the
targets. Each model ranks products for that user, excluding their history (re-showing what
they viewed is not a recommendation we can score), and HR@K, MRR@K and NDCG@K are averaged
over users. Catalog coverage and popularity bias (mean train-popularity percentile of the
recommended items) show whether a model only echoes the best-sellers. The cut defaults to
the point leaving the last `test_fraction` of the time span for testing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from recommender import als as als_model
from recommender import together, trending
from recommender.offline import metrics

Recommender = Callable[[str, list[str], int], list[str]]


@dataclass
class Split:
    cut: pd.Timestamp
    train: pd.DataFrame
    test: pd.DataFrame
    histories: dict[str, list[str]]  # user -> train items, oldest first, distinct
    targets: dict[str, set[str]]  # user -> new items after the cut
    extra: dict[str, object] = field(default_factory=dict)


def _prepared(interactions: pd.DataFrame) -> pd.DataFrame:
    frame = interactions.dropna(subset=["product_id"]).copy()
    frame["product_id"] = frame["product_id"].astype(str)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    user = frame["user_id"] if "user_id" in frame.columns else pd.Series(pd.NA, index=frame.index)
    visitor = frame["visitor_key"] if "visitor_key" in frame.columns else user
    frame["who"] = user.astype("string").fillna("visitor:" + visitor.astype("string"))
    frame = frame.dropna(subset=["who"])
    return frame.sort_values(["occurred_at", "product_id"], kind="mergesort")


def time_split(
    interactions: pd.DataFrame, *, cut: datetime | None = None, test_fraction: float = 0.2
) -> Split:
    frame = _prepared(interactions)
    if frame.empty:
        raise ValueError("no interactions to evaluate")
    if cut is None:
        start, end = frame["occurred_at"].min(), frame["occurred_at"].max()
        cut_at = (start + (end - start) * (1.0 - test_fraction)).floor("s")
    else:
        cut_at = pd.Timestamp(cut)
        cut_at = cut_at.tz_localize("UTC") if cut_at.tzinfo is None else cut_at
    train = frame[frame["occurred_at"] < cut_at]
    test = frame[frame["occurred_at"] >= cut_at]
    histories = {
        who: list(dict.fromkeys(items)) for who, items in train.groupby("who")["product_id"]
    }
    targets: dict[str, set[str]] = {}
    for who, items in test.groupby("who")["product_id"]:
        if who in histories:
            new = set(items) - set(histories[who])
            if new:
                targets[who] = new
    return Split(cut_at, train, test, histories, targets)


def _excluding(ranked, history: list[str], k: int) -> list[str]:
    seen = set(history)
    return [pid for pid, _ in ranked if pid not in seen][:k]


def build_models(
    split: Split,
    *,
    orders: pd.DataFrame | None = None,
    segments: Mapping[str, str] | None = None,
    regions: Mapping[str, str] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, Recommender]:
    """Every model fitted on the train part, as user -> top-k product ids."""
    train = split.train
    depth = 200  # enough to survive excluding a long history
    models: dict[str, Recommender] = {}

    overall = trending.popular(train, n=depth)
    models["popularity"] = lambda who, history, k: _excluding(overall, history, k)

    hot = trending.trending(train, now=split.cut, n=depth)
    models["trending"] = lambda who, history, k: _excluding(hot, history, k)

    for name, groups in (("segment", segments), ("region", regions)):
        if groups:
            lists = trending.popular_by_user_group(train, groups, prefix=name, n=depth)

            def grouped(who, history, k, lists=lists, groups=groups, name=name):
                chosen = lists.get(f"{name}:{groups.get(who)}", overall)
                return _excluding(chosen, history, k)

            models[f"popular_{name}"] = grouped

    progress("viewed_together")
    co_viewed = together.viewed_together(train, top_n=50)
    models["viewed_together"] = lambda who, history, k: [
        pid for pid, _ in together.seeded(history, co_viewed, exclude=history, top_n=k)
    ]

    if orders is not None and not orders.empty:
        progress("fbt")
        paid = orders[pd.to_datetime(orders["ordered_at"], utc=True) < split.cut]
        bought = together.frequently_bought_together(paid, top_n=50)
        models["fbt"] = lambda who, history, k: [
            pid for pid, _ in together.seeded(history, bought, exclude=history, top_n=k)
        ]

    signed_in = train[~train["who"].str.startswith("visitor:")]
    if not signed_in.empty:
        progress("als")
        fitted = als_model.fit(signed_in, user="who")

        def als_lists(who, history, k):
            return [pid for pid, _ in als_model.recommend(fitted, who, k)]

        models["als"] = als_lists
    return models


def evaluate(
    interactions: pd.DataFrame,
    *,
    orders: pd.DataFrame | None = None,
    segments: Mapping[str, str] | None = None,
    regions: Mapping[str, str] | None = None,
    catalog_size: int | None = None,
    k: int = 10,
    cut: datetime | None = None,
    test_fraction: float = 0.2,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Figures per model: hr, mrr, ndcg at k, coverage, popularity_bias, users_with_list."""
    say = progress or (lambda message: print(message, file=sys.stderr))
    split = time_split(interactions, cut=cut, test_fraction=test_fraction)
    say(f"split at {split.cut.isoformat()}: {len(split.train)} train, {len(split.test)} test "
        f"interactions, {len(split.targets)} users to evaluate")
    models = build_models(split, orders=orders, segments=segments, regions=regions,
                          progress=lambda name: say(f"fitting {name}"))
    counts = split.train.groupby("product_id").size().to_dict()
    percentiles = metrics.popularity_percentiles(counts)
    catalog = catalog_size or len(counts)
    users = sorted(split.targets)
    results: dict[str, dict[str, float]] = {}
    for name, model in models.items():
        started = time.perf_counter()
        lists = [model(who, split.histories[who], k) for who in users]
        n = len(users) or 1
        results[name] = {
            f"hr@{k}": sum(metrics.hit_rate(r, split.targets[u], k)
                           for u, r in zip(users, lists, strict=True)) / n,
            f"mrr@{k}": sum(metrics.reciprocal_rank(r, split.targets[u], k)
                            for u, r in zip(users, lists, strict=True)) / n,
            f"ndcg@{k}": sum(metrics.ndcg(r, split.targets[u], k)
                             for u, r in zip(users, lists, strict=True)) / n,
            "coverage": metrics.coverage(lists, catalog, k),
            "popularity_bias": metrics.popularity_bias(lists, percentiles, k),
            "users_with_list": sum(1 for r in lists if r) / n,
        }
        results[name] = {key: round(value, 6) for key, value in results[name].items()}
        say(f"{name}: scored {len(users)} users in {time.perf_counter() - started:.1f} s")
    return {
        "k": k,
        "cut": split.cut.isoformat(),
        "train_interactions": int(len(split.train)),
        "test_interactions": int(len(split.test)),
        "users": len(users),
        "catalog_size": int(catalog),
        "models": results,
    }
