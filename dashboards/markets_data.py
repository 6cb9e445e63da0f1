"""Read-only query and pure summaries behind the Markets page (marts.fct_sales_by_market),
on the published warehouse like every dashboard query (data.py). The query raises
WarehouseUnavailable when the published warehouse predates the markets mart."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query
from transactional_api.markets.iso4217 import MINOR_UNITS


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def sales_days(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    return _query(
        path,
        """
        select order_date, market_code, currency, base_currency, orders, gmv_minor,
               gmv_base_minor
        from marts.fct_sales_by_market
        where order_date between ? and ?
        order by order_date, market_code, currency
        """,
        [start, end],
    )


def per_market(days: pd.DataFrame) -> pd.DataFrame:
    """One row per market and currency over the range: orders and GMV summed, each
    market's share of the base-currency GMV, and its average order value in base."""
    if days.empty:
        return pd.DataFrame(columns=["market_code", "currency", "base_currency", "orders",
                                     "gmv_minor", "gmv_base_minor", "share", "aov_base_minor"])
    out = (days.groupby(["market_code", "currency", "base_currency"], as_index=False)
           [["orders", "gmv_minor", "gmv_base_minor"]].sum())
    total = out.groupby("base_currency")["gmv_base_minor"].transform("sum")
    out["share"] = (out["gmv_base_minor"] / total.where(total > 0)).fillna(0.0)
    out["aov_base_minor"] = (out["gmv_base_minor"] // out["orders"].where(out["orders"] > 0)
                             ).fillna(0).astype("int64")
    return out.sort_values(["gmv_base_minor", "market_code"],
                           ascending=[False, True]).reset_index(drop=True)


def format_minor(amount: int, currency: str) -> str:
    """Integer minor units in the currency's own decimals (JPY none, KWD three)."""
    units = MINOR_UNITS.get(currency, 2)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(int(amount)), 10**units)
    return f"{sign}{whole:,}.{fraction:0{units}d} {currency}" if units else \
        f"{sign}{whole:,} {currency}"
