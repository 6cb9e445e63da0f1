"""Read-only query and pure summaries behind the Cross-border page
(marts.fct_cross_border_orders), on the published warehouse like every dashboard query
(data.py). The query raises WarehouseUnavailable when the warehouse predates the mart."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

AMOUNTS = ["orders", "goods_cents", "duties_cents", "import_tax_cents"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def country_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select order_date, destination_country, currency, orders, goods_cents, duties_cents,
               import_tax_cents
        from marts.fct_cross_border_orders
        where order_date between ? and ?
        order by order_date, destination_country, currency
        """,
        [start, end],
    )


def per_country(days: pd.DataFrame) -> pd.DataFrame:
    """One row per destination country and currency over the range (amounts are never
    added across currencies): the sums, and duties plus import tax as a share of goods."""
    if days.empty:
        return pd.DataFrame(columns=["destination_country", "currency", *AMOUNTS,
                                     "charges_rate"])
    grouped = days.groupby(["destination_country", "currency"], as_index=False)[AMOUNTS].sum()
    goods = grouped["goods_cents"].where(grouped["goods_cents"] > 0)
    grouped["charges_rate"] = ((grouped["duties_cents"] + grouped["import_tax_cents"])
                               / goods).fillna(0.0)
    return grouped.sort_values(["goods_cents", "destination_country"],
                               ascending=[False, True]).reset_index(drop=True)
