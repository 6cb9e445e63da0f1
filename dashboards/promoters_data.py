"""Read-only query and pure summaries behind the Promoters page
(marts.fct_promoter_performance), on the published warehouse like every dashboard query
(data.py). The query raises WarehouseUnavailable when the warehouse predates the mart."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

COUNTS = ["bound_buyers", "orders", "gmv_cents", "commission_accrued_cents",
          "level2_accrued_cents", "commission_held_cents", "commission_reversed_cents",
          "commission_matured_cents", "net_commission_cost_cents"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def promoter_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        f"""
        select promoter_id, activity_date, {", ".join(COUNTS)}, currency
        from marts.fct_promoter_performance
        where activity_date between ? and ?
        order by activity_date, promoter_id
        """,
        [start, end],
    )


def only(days: pd.DataFrame, promoter_id: str | None) -> pd.DataFrame:
    """The days of one promoter (their own view), or all of them for None."""
    return days if promoter_id is None else days[days["promoter_id"] == promoter_id]


def per_promoter(days: pd.DataFrame) -> pd.DataFrame:
    """One row per promoter over the range, counts summed; cost_share is the net
    commission cost as a share of the GMV they brought (0 without GMV)."""
    if days.empty:
        return pd.DataFrame(columns=["promoter_id", *COUNTS, "cost_share"])
    grouped = days.groupby("promoter_id", as_index=False)[COUNTS].sum()
    gmv = grouped["gmv_cents"]
    grouped["cost_share"] = (grouped["net_commission_cost_cents"] / gmv.where(gmv > 0)) \
        .fillna(0.0)
    return grouped.sort_values(["gmv_cents", "promoter_id"], ascending=[False, True]) \
        .reset_index(drop=True)


def daily_money(days: pd.DataFrame) -> pd.DataFrame:
    """GMV, commissions accrued and reversed per day (the promoters shown), long form."""
    daily = days.groupby("activity_date", as_index=False)[
        ["gmv_cents", "commission_accrued_cents", "commission_reversed_cents"]].sum()
    return daily.melt(id_vars="activity_date", var_name="measure", value_name="cents")
