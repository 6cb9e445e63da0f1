"""Read-only queries against the published warehouse copy.

Dashboards open `Settings.published_warehouse_path` (swapped atomically by the pipelines),
never the pipelines' working file, one short read-only connection per query, so a build in
progress is never blocked and never seen half-done.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from transactional_api.config import get_settings

CACHE_TTL_SECONDS = 60
FUNNEL_STEPS = ("product_view", "add_to_cart", "checkout_started", "order_created", "order_paid")
# Marts with a day column, and that column: they set the range of the sidebar's date filter.
REQUIRED_DATED_MARTS = {"fct_daily_kpis": "kpi_date", "fct_funnel_daily": "session_date"}
OPTIONAL_DATED_MARTS = {
    "fct_daily_stock_positions": "position_date",
    "fct_daily_searches": "search_date",
    "fct_payments_by_channel": "payment_date",
    "fct_fulfilment": "shipped_date",
    "fct_after_sales": "requested_date",
    "fct_payment_reconciliation": "reconciled_date",
}


class WarehouseUnavailable(Exception):
    """The published warehouse is missing or lacks the marts the dashboards read."""


def published_warehouse() -> tuple[str, int]:
    """Path of the published warehouse and its modification stamp, used as a cache key.

    Keying the caches on the stamp means a freshly published file is read at once instead of
    waiting out the TTL.
    """
    path: Path = get_settings().published_warehouse_path
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise WarehouseUnavailable(f"no published warehouse at {path}") from exc


def _query(path: str, sql: str, params: list | None = None) -> pd.DataFrame:
    try:
        connection = duckdb.connect(path, read_only=True)
    except duckdb.IOException as exc:
        raise WarehouseUnavailable(str(exc)) from exc
    try:
        return connection.execute(sql, params or []).df()
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        # a mart or a column the query needs is missing: a copy built by an older version
        raise WarehouseUnavailable(str(exc)) from exc
    finally:
        connection.close()


def _marts(path: str) -> set[str]:
    """Names of the tables in the marts schema of the published warehouse."""
    frame = _query(
        path,
        "select table_name from information_schema.tables where table_schema = 'marts'",
    )
    return set(frame["table_name"])


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def date_bounds(path: str, version: int) -> tuple[date, date] | None:
    """First and last day with KPI, funnel, stock or search data; None when all are empty.

    The KPI and funnel marts are required (every build has them). The stock and search marts
    widen the range when present, so a warehouse published before they existed still opens.
    """
    present = _marts(path)
    missing = set(REQUIRED_DATED_MARTS) - present
    if missing:
        raise WarehouseUnavailable(f"marts missing: {', '.join(sorted(missing))}")
    days = " union all ".join(
        f"select {column} as day from marts.{table}"
        for table, column in {**REQUIRED_DATED_MARTS, **OPTIONAL_DATED_MARTS}.items()
        if table in present
    )
    frame = _query(path, f"select min(day) as first_day, max(day) as last_day from ({days})")
    first, last = frame.iloc[0]["first_day"], frame.iloc[0]["last_day"]
    if pd.isna(first) or pd.isna(last):
        return None
    return pd.Timestamp(first).date(), pd.Timestamp(last).date()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def daily_kpis(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """marts.fct_daily_kpis rows with kpi_date in [start, end], oldest first."""
    return _query(
        path,
        """
        select kpi_date, gmv_cents, paid_orders, aov_cents, buyers, sessions,
               converted_sessions, conversion_rate, refunds_due, refunds_due_cents
        from marts.fct_daily_kpis
        where kpi_date between ? and ?
        order by kpi_date
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def funnel_daily(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """marts.fct_funnel_daily rows with session_date in [start, end]."""
    return _query(
        path,
        """
        select session_date, step_order, step, sessions
        from marts.fct_funnel_daily
        where session_date between ? and ?
        order by session_date, step_order
        """,
        [start, end],
    )


# --- stock and search ------------------------------------------------------------------
# Each raises WarehouseUnavailable when the published warehouse predates these marts.


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def latest_stock_day(path: str, version: int, end: date) -> date | None:
    """The last day with stock positions on or before end; None when there is none."""
    frame = _query(
        path,
        "select max(position_date) as day from marts.fct_daily_stock_positions "
        "where position_date <= ?",
        [end],
    )
    day = frame.iloc[0]["day"]
    return None if pd.isna(day) else pd.Timestamp(day).date()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def stock_positions(path: str, version: int, day: date) -> pd.DataFrame:
    """Every SKU and location's position at the end of day, lowest sellable first."""
    return _query(
        path,
        """
        select
            positions.sku_id, skus.sku_code, skus.product_name, skus.sku_name,
            positions.warehouse_id, warehouses.warehouse_name,
            positions.on_hand, positions.reserved, positions.sellable,
            positions.units_in, positions.units_out, positions.units_deducted
        from marts.fct_daily_stock_positions as positions
        left join marts.dim_skus as skus on positions.sku_id = skus.sku_id
        left join marts.dim_warehouses as warehouses
            on positions.warehouse_id = warehouses.warehouse_id
        where positions.position_date = ?
        order by positions.sellable, skus.product_name, positions.sku_id,
            positions.warehouse_id
        """,
        [day],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def stock_trend(path: str, version: int, sku_id: str, start: date, end: date) -> pd.DataFrame:
    """One SKU's daily positions per location over [start, end], oldest first."""
    return _query(
        path,
        """
        select
            positions.position_date,
            coalesce(warehouses.warehouse_name, positions.warehouse_id) as location,
            positions.on_hand, positions.reserved, positions.sellable
        from marts.fct_daily_stock_positions as positions
        left join marts.dim_warehouses as warehouses
            on positions.warehouse_id = warehouses.warehouse_id
        where positions.sku_id = ? and positions.position_date between ? and ?
        order by positions.position_date, location
        """,
        [sku_id, start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def latest_stock_alerts(path: str, version: int) -> pd.DataFrame:
    """The latest low-stock alert of each SKU and location, the ones still low first."""
    return _query(
        path,
        """
        select
            alerted_at, product_name, sku_code, sku_id, warehouse_name, sellable_units,
            safety_stock, current_sellable, current_safety_stock, is_still_low
        from marts.fct_stock_alerts
        where is_latest
        order by coalesce(is_still_low, false) desc, alerted_at desc, sku_id
        """,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def search_queries(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """Per normalised query over [start, end]: searches, zero-result searches, mean results."""
    return _query(
        path,
        """
        select
            search_query,
            sum(searches) as searches,
            sum(zero_result_searches) as zero_result_searches,
            sum(avg_results_count * searches) / sum(searches) as avg_results_count
        from marts.fct_daily_searches
        where search_date between ? and ?
        group by search_query
        order by searches desc, search_query
        """,
        [start, end],
    )


# --- orders, payments, refunds, after-sales (issue 8) -------------------------------------
# Each raises WarehouseUnavailable when the published warehouse predates these marts.


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def daily_revenue(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """GMV and what net revenue takes off it, per day of fct_daily_kpis in [start, end]."""
    return _query(
        path,
        """
        select kpi_date, gmv_cents, refunded_cents, cancelled_after_payment_cents,
               net_revenue_cents, points_paid_cents
        from marts.fct_daily_kpis
        where kpi_date between ? and ?
        order by kpi_date
        """,
        [start, end],
    )
