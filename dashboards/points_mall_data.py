"""Read-only query and pure summaries behind the Points mall page
(marts.fct_points_mall_redemptions), on the published warehouse like every dashboard query
(data.py). The query raises WarehouseUnavailable when the warehouse predates the mart."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

COUNTS = ["redemptions", "units", "points_spent", "cash_cents", "points_cost_cents",
          "give_backs", "points_given_back", "points_given_back_cents", "units_restocked",
          "net_points_cost_cents"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def item_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        f"""
        select item_id, activity_date, item_kind, currency, {", ".join(COUNTS)}
        from marts.fct_points_mall_redemptions
        where activity_date between ? and ?
        order by activity_date, item_id
        """,
        [start, end],
    )


def per_item(days: pd.DataFrame) -> pd.DataFrame:
    """One row per item over the range: the counts summed, and the give-back rate
    (give-backs per redemption; both counted on their own days)."""
    if days.empty:
        return pd.DataFrame(columns=["item_id", "item_kind", *COUNTS, "give_back_rate"])
    grouped = days.groupby(["item_id", "item_kind"], as_index=False)[COUNTS].sum()
    redemptions = grouped["redemptions"]
    grouped["give_back_rate"] = (grouped["give_backs"] / redemptions.where(redemptions > 0)) \
        .fillna(0.0)
    return grouped.sort_values(["points_spent", "item_id"], ascending=[False, True]) \
        .reset_index(drop=True)


def daily_cost(days: pd.DataFrame) -> pd.DataFrame:
    """Per day (all items): points cost and cash taken in cents, long form."""
    daily = days.groupby("activity_date", as_index=False)[
        ["net_points_cost_cents", "cash_cents"]].sum()
    return daily.melt(id_vars="activity_date", var_name="measure", value_name="cents")
