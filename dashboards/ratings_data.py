"""Read-only queries and pure summaries behind the Ratings page (marts.fct_product_ratings),
on the published warehouse like every dashboard query (data.py). The query raises
WarehouseUnavailable when the published warehouse predates the ratings mart."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

STARS = (1, 2, 3, 4, 5)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def product_ratings(path: str, version: int) -> pd.DataFrame:
    """Every reviewed product, most published reviews first."""
    return _query(
        path,
        """
        select
            product_id, coalesce(product_name, product_id) as product_name,
            category_id, coalesce(category_name, category_id) as category_name,
            merchant_id, coalesce(merchant_name, merchant_id) as merchant_name,
            reviews_submitted, reviews_pending, reviews_published, reviews_rejected,
            rating_sum, rating_avg, rating_1, rating_2, rating_3, rating_4, rating_5,
            reviews_replied, category_reviews_published, category_rating_avg,
            merchant_reviews_published, merchant_rating_avg
        from marts.fct_product_ratings
        order by reviews_published desc, product_id
        """,
    )


def average(rating_sum: int, count: int) -> float | None:
    """Stars to 2 decimals, rounded half up from integer sums, as the shop and the mart do."""
    if count <= 0:
        return None
    return ((200 * rating_sum + count) // (2 * count)) / 100


@dataclass(frozen=True)
class RatingsSummary:
    published: int
    pending: int
    rejected: int
    average: float | None
    reply_rate: float | None  # replied / published


def summarize(frame: pd.DataFrame) -> RatingsSummary:
    published = int(frame["reviews_published"].sum())
    replied = int(frame["reviews_replied"].sum())
    return RatingsSummary(
        published=published, pending=int(frame["reviews_pending"].sum()),
        rejected=int(frame["reviews_rejected"].sum()),
        average=average(int(frame["rating_sum"].sum()), published),
        reply_rate=replied / published if published else None)


def histogram(frame: pd.DataFrame) -> pd.DataFrame:
    """Published reviews per star over every product: columns stars, reviews."""
    return pd.DataFrame({"stars": list(STARS),
                         "reviews": [int(frame[f"rating_{s}"].sum()) for s in STARS]})


def by_group(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per category or merchant (level) with published reviews, best first:
    columns <level>_name, reviews_published, rating_avg (from the mart's own rollup)."""
    rows = frame.dropna(subset=[f"{level}_id"]).drop_duplicates(f"{level}_id")
    rows = rows[rows[f"{level}_reviews_published"] > 0]
    out = pd.DataFrame({
        f"{level}_name": rows[f"{level}_name"],
        "reviews_published": rows[f"{level}_reviews_published"].astype(int),
        "rating_avg": rows[f"{level}_rating_avg"].astype(float)})
    return out.sort_values(["rating_avg", "reviews_published", f"{level}_name"],
                           ascending=[False, False, True]).reset_index(drop=True)
