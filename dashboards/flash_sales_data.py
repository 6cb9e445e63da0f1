"""Read-only query and pure summaries behind the Flash sales page (marts.fct_flash_sales),
on the published warehouse like every dashboard query (data.py). The query raises
WarehouseUnavailable when the published warehouse predates the flash-sale mart."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def sales(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Sales that started in [start, end] (UTC days)."""
    return _query(
        path,
        """
        select sale_id, sale_name, sku_id, currency, list_price_cents, flash_price_cents,
               quantity, starts_at, end_status, requests, sold_out_answers,
               rate_limited_answers, units_ordered, units_released, units_back_to_pool,
               units_sold, sell_through, seconds_to_sell_out, flash_revenue_cents,
               flash_discount_cents, reconciled
        from marts.fct_flash_sales
        where cast(starts_at as date) between ? and ?
        order by starts_at
        """,
        [start, end],
    )


def totals(frame: pd.DataFrame) -> dict:
    """Units offered and sold, overall sell-through, revenue and discount per currency,
    and the sales whose end-of-sale reconciliation found a difference."""
    offered, sold = int(frame["quantity"].sum()), int(frame["units_sold"].sum())
    money = frame.groupby("currency")[["flash_revenue_cents", "flash_discount_cents"]].sum()
    return {"sales": len(frame), "offered": offered, "sold": sold,
            "sell_through": sold / offered if offered else 0.0,
            "revenue": {c: int(r) for c, r in money["flash_revenue_cents"].items()},
            "discount": {c: int(d) for c, d in money["flash_discount_cents"].items()},
            "unreconciled": frame.loc[frame["reconciled"].eq(False), "sale_id"].tolist()}
