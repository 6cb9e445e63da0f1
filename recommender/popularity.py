"""Most-popular items: the fallback every other recommender is measured against."""

from __future__ import annotations

import pandas as pd

SCORE_DECIMALS = 6


def popularity_scores(interactions: pd.DataFrame) -> pd.DataFrame:
    """Every product with its popularity score in (0, 1], best first.

    Score = summed interaction weight (view 1, cart 3, purchase 5) divided by the best item's,
    so lists from different runs stay comparable. Equal scores go to the item interacted with
    most recently (what is trending now), then to the smaller product_id so the order never
    depends on input order.
    """
    columns = ["product_id", "score", "last_at"]
    if interactions.empty:
        return pd.DataFrame(columns=columns)
    frame = interactions.dropna(subset=["product_id"])
    frame = pd.DataFrame(
        {
            "product_id": frame["product_id"].astype(str),
            "weight": pd.to_numeric(frame["weight"], errors="coerce").fillna(0.0).clip(lower=0.0),
            "occurred_at": pd.to_datetime(frame["occurred_at"], utc=True),
        }
    )
    totals = frame.groupby("product_id", as_index=False).agg(
        score=("weight", "sum"), last_at=("occurred_at", "max")
    )
    best = totals["score"].max() if not totals.empty else 0.0
    if not best or best <= 0:
        return pd.DataFrame(columns=columns)
    totals["score"] = (totals["score"] / best).round(SCORE_DECIMALS)
    totals = totals[totals["score"] > 0]
    return totals.sort_values(
        ["score", "last_at", "product_id"],
        ascending=[False, False, True],
        na_position="last",
        kind="mergesort",
    ).reset_index(drop=True)[columns]


def popular_items(interactions: pd.DataFrame, *, limit: int = 50) -> list[tuple[str, float]]:
    """Top `limit` products as (product_id, score), score in (0, 1], best first."""
    if limit <= 0:
        return []
    ranked = popularity_scores(interactions).head(limit)
    return [
        (str(pid), float(score))
        for pid, score in zip(ranked["product_id"], ranked["score"], strict=True)
    ]
