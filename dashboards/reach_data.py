"""Read-only query and pure summaries behind the Reach page (marts.fct_reach_campaigns),
on the published warehouse like every dashboard query (data.py). The query raises
WarehouseUnavailable when the published warehouse predates the reach mart."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

COUNTS = ["sends", "unique_recipients", "opens", "clicks", "conversions",
          "conversion_revenue_cents"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def campaign_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select campaign_id, send_date, campaign_name, channel, trigger_kind, sends,
               unique_recipients, opens, clicks, conversions, conversion_revenue_cents,
               currency, attribution_days
        from marts.fct_reach_campaigns
        where send_date between ? and ?
        order by send_date, campaign_id
        """,
        [start, end],
    )


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).fillna(0.0)


def per_campaign(days: pd.DataFrame) -> pd.DataFrame:
    """One row per campaign over the range: the counts summed, and open, click and
    conversion rates. Rates are of sends (opens, clicks) and of the days' unique recipients
    (conversions), so a recipient messaged on two days counts on each."""
    if days.empty:
        return pd.DataFrame(columns=["campaign_id", "campaign_name", "channel", "trigger_kind",
                                     *COUNTS, "currency", "open_rate", "click_rate",
                                     "conversion_rate"])
    grouped = days.groupby(["campaign_id", "campaign_name", "channel", "trigger_kind",
                            "currency"], as_index=False)[COUNTS].sum()
    grouped["open_rate"] = _rate(grouped["opens"], grouped["sends"])
    grouped["click_rate"] = _rate(grouped["clicks"], grouped["sends"])
    grouped["conversion_rate"] = _rate(grouped["conversions"], grouped["unique_recipients"])
    return grouped.sort_values(["sends", "campaign_name"], ascending=[False, True]) \
        .reset_index(drop=True)


def daily_long(days: pd.DataFrame) -> pd.DataFrame:
    """Sends, opens, clicks and conversions per day (all campaigns), long form."""
    daily = days.groupby("send_date", as_index=False)[["sends", "opens", "clicks",
                                                       "conversions"]].sum()
    return daily.melt(id_vars="send_date", var_name="measure", value_name="count")
