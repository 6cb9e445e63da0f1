"""Read-only queries and pure summaries behind the Replenishment page: forecast accuracy
against the naive forecast (ml.fct_forecast_accuracy), stock cover (marts.fct_stock_cover)
and the reorder suggestions (ml.reorder_suggestions), on the published warehouse. Each
query raises WarehouseUnavailable when the published warehouse predates its table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def forecast_accuracy(path: str, version: int) -> pd.DataFrame:
    return _query(path, """
        select model, sku_id, warehouse_id, wape, naive_wape, horizon, actual_units,
               train_days
        from ml.fct_forecast_accuracy order by actual_units desc, sku_id, warehouse_id
        """, [])


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def stock_cover(path: str, version: int) -> pd.DataFrame:
    return _query(path, """
        select sku_id, warehouse_id, on_hand, sellable, mean_daily_demand, days_of_cover
        from marts.fct_stock_cover order by days_of_cover nulls last, sku_id, warehouse_id
        """, [])


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def suggestions(path: str, version: int) -> pd.DataFrame:
    return _query(path, """
        select sku_id, location_id, supplier_id, on_hand, on_order, mean_daily_demand,
               lead_time_days, moq, safety_stock, reorder_point, quantity, days_of_cover
        from ml.reorder_suggestions order by days_of_cover nulls last, sku_id, location_id
        """, [])


def weighted_wape(accuracy: pd.DataFrame) -> tuple[float | None, float | None]:
    """(model, naive) WAPE over every series together, each weighted by its held-back
    units: the sum of absolute errors over the sum of units sold."""
    units = accuracy["actual_units"].sum() if not accuracy.empty else 0
    if units <= 0:
        return None, None
    return (float((accuracy["wape"].fillna(0) * accuracy["actual_units"]).sum() / units),
            float((accuracy["naive_wape"].fillna(0) * accuracy["actual_units"]).sum() / units))


def beats_naive(accuracy: pd.DataFrame) -> int:
    """How many series the model forecast better than the naive one."""
    scored = accuracy.dropna(subset=["wape", "naive_wape"])
    return int((scored["wape"] < scored["naive_wape"]).sum())
