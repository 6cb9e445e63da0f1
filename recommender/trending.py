"""Cold-start lists: popularity overall and per segment, region and category; trending.

Popularity = summed interaction weight (view 1, cart 3, purchase 5) divided by the list's
best, so scores are in (0, 1]. Trending weighs every interaction by 0.5 ** (age / half-life)
relative to a given `now` (never the clock, so a run is reproducible); interactions after
`now` are not known yet and are ignored. Ties go to the smaller product_id.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import numpy as np
import pandas as pd

SCORE_DECIMALS = 6
WEIGHTS = {"view": 1.0, "cart": 3.0, "purchase": 5.0}

Ranked = list[tuple[str, float]]


def _frame(interactions: pd.DataFrame) -> pd.DataFrame:
    frame = interactions.dropna(subset=["product_id"])
    if "weight" in frame.columns:
        weight = pd.to_numeric(frame["weight"], errors="coerce").fillna(0.0)
    else:
        weight = frame["interaction_type"].astype(str).map(WEIGHTS).fillna(0.0)
    out = pd.DataFrame(
        {"product_id": frame["product_id"].astype(str), "weight": weight.clip(lower=0.0)},
        index=frame.index,
    )
    for column in ("user_id", "occurred_at"):
        if column in frame.columns:
            out[column] = frame[column]
    return out


def _ranked(scores: pd.Series, n: int) -> Ranked:
    scores = scores[scores > 0]
    if scores.empty or n <= 0:
        return []
    normalised = (scores / scores.max()).round(SCORE_DECIMALS)
    table = pd.DataFrame({"product_id": normalised.index.astype(str), "score": normalised.values})
    table = table.sort_values(["score", "product_id"], ascending=[False, True], kind="mergesort")
    return [(p, float(s)) for p, s in zip(table["product_id"][:n], table["score"][:n], strict=True)]


def popular(interactions: pd.DataFrame, *, n: int = 50) -> Ranked:
    """Top n products by summed weight."""
    frame = _frame(interactions)
    return _ranked(frame.groupby("product_id")["weight"].sum(), n)


def popular_by_user_group(
    interactions: pd.DataFrame, groups: Mapping[str, str], *, prefix: str, n: int = 50
) -> dict[str, Ranked]:
    """Popularity within each group of users (segment, region): {"<prefix>:<group>": list}.

    `groups` maps user_id -> group; anonymous rows and users without a group are left out.
    """
    frame = _frame(interactions)
    if "user_id" not in frame.columns:
        return {}
    frame = frame.dropna(subset=["user_id"])
    frame = frame.assign(group=frame["user_id"].astype(str).map(dict(groups)))
    frame = frame.dropna(subset=["group"])
    sums = frame.groupby(["group", "product_id"])["weight"].sum()
    return {
        f"{prefix}:{group}": ranked
        for group, scores in sums.groupby(level="group", sort=True)
        if (ranked := _ranked(scores.droplevel("group"), n))
    }


def popular_by_category(
    interactions: pd.DataFrame, categories: Mapping[str, str], *, n: int = 50
) -> dict[str, Ranked]:
    """Popularity within each product category: {"category:<category_id>": list}."""
    frame = _frame(interactions)
    frame = frame.assign(category=frame["product_id"].map(dict(categories))).dropna(
        subset=["category"]
    )
    sums = frame.groupby(["category", "product_id"])["weight"].sum()
    return {
        f"category:{category}": ranked
        for category, scores in sums.groupby(level="category", sort=True)
        if (ranked := _ranked(scores.droplevel("category"), n))
    }


def popular_lists(
    interactions: pd.DataFrame,
    *,
    segments: Mapping[str, str] | None = None,
    regions: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
    n: int = 50,
) -> dict[str, Ranked]:
    """The bundle's "popular" entry: "all" plus the segment, region and category lists."""
    lists = {"all": popular(interactions, n=n)}
    if segments:
        lists |= popular_by_user_group(interactions, segments, prefix="segment", n=n)
    if regions:
        lists |= popular_by_user_group(interactions, regions, prefix="region", n=n)
    if categories:
        lists |= popular_by_category(interactions, categories, n=n)
    return lists


def trending(
    interactions: pd.DataFrame, *, now: datetime, half_life_days: float = 3.0, n: int = 50
) -> Ranked:
    """Top n by time-decayed weight as of `now`."""
    if half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    frame = _frame(interactions)
    if frame.empty:
        return []
    stamps = pd.to_datetime(frame["occurred_at"], utc=True)
    reference = pd.Timestamp(now)
    reference = reference.tz_localize("UTC") if reference.tzinfo is None else reference
    age_days = (reference - stamps).dt.total_seconds().to_numpy(dtype=float) / 86400.0
    known = age_days >= 0
    decayed = frame["weight"].to_numpy(dtype=float) * np.power(0.5, age_days / half_life_days)
    scores = pd.Series(decayed[known], index=frame["product_id"].to_numpy()[known])
    return _ranked(scores.groupby(level=0).sum(), n)


def for_new_visitor(lists: Mapping[str, Ranked], region: str | None = None) -> Ranked:
    """What sells in the visitor's region, else what sells everywhere."""
    if region is not None and lists.get(f"region:{region}"):
        return list(lists[f"region:{region}"])
    return list(lists.get("all", []))


def user_regions(sub_orders: pd.DataFrame) -> dict[str, str]:
    """Each user's region = the shipping region of most of their orders (ties: smaller name).

    From rows with user_id and shipping_region ("unknown" regions are ignored).
    """
    frame = sub_orders.dropna(subset=["user_id", "shipping_region"])
    frame = frame[frame["shipping_region"].astype(str) != "unknown"]
    if "order_id" in frame.columns:  # an order split into sub-orders counts once
        frame = frame.drop_duplicates(["user_id", "order_id"])
    if frame.empty:
        return {}
    counts = (
        frame.assign(user_id=frame["user_id"].astype(str), region=frame["shipping_region"])
        .groupby(["user_id", "region"]).size().rename("orders").reset_index()
        .sort_values(["user_id", "orders", "region"], ascending=[True, False, True])
    )
    return dict(counts.drop_duplicates("user_id")[["user_id", "region"]].itertuples(index=False))
