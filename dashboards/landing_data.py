"""Read-only queries and pure summaries behind the Landing pages page
(marts.fct_landing_page_performance, marts.fct_slot_performance), on the published
warehouse like every dashboard query (data.py). A query raises WarehouseUnavailable when
the published warehouse predates the landing marts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

PAGE_COUNTS = ["views", "unique_viewers", "sessions", "attributed_orders",
               "attributed_revenue_cents"]
SLOT_COUNTS = ["impressions", "clicks", "unique_viewers", "attributed_orders",
               "attributed_revenue_cents"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def page_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select page_id, view_date, page_slug, views, unique_viewers, sessions,
               attributed_orders, attributed_revenue_cents, currency
        from marts.fct_landing_page_performance
        where view_date between ? and ?
        order by view_date, page_id
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def slot_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select slot, creative_id, activity_date, impressions, clicks, unique_viewers,
               attributed_orders, attributed_revenue_cents, currency
        from marts.fct_slot_performance
        where activity_date between ? and ?
        order by activity_date, slot, creative_id
        """,
        [start, end],
    )


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).fillna(0.0)


def per_page(days: pd.DataFrame) -> pd.DataFrame:
    """One row per page over the range: counts summed (a visitor on two days counts on
    each), and conversion = attributed orders / sessions."""
    if days.empty:
        return pd.DataFrame(columns=["page_id", "page_slug", *PAGE_COUNTS, "conversion"])
    slugs = days.sort_values("view_date").groupby("page_id")["page_slug"].last()
    grouped = days.groupby("page_id", as_index=False)[PAGE_COUNTS].sum()
    grouped["page_slug"] = grouped["page_id"].map(slugs)
    grouped["conversion"] = _rate(grouped["attributed_orders"], grouped["sessions"])
    return grouped.sort_values(["attributed_revenue_cents", "views", "page_slug"],
                               ascending=[False, False, True]).reset_index(drop=True)


def per_creative(days: pd.DataFrame) -> pd.DataFrame:
    """One row per slot and creative over the range: counts summed, CTR = clicks /
    impressions."""
    if days.empty:
        return pd.DataFrame(columns=["slot", "creative_id", *SLOT_COUNTS, "ctr"])
    grouped = days.groupby(["slot", "creative_id"], as_index=False)[SLOT_COUNTS].sum()
    grouped["ctr"] = _rate(grouped["clicks"], grouped["impressions"])
    return grouped.sort_values(["slot", "attributed_revenue_cents", "clicks"],
                               ascending=[True, False, False]).reset_index(drop=True)
