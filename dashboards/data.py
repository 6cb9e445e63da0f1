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
    except duckdb.CatalogException as exc:
        raise WarehouseUnavailable(str(exc)) from exc
    finally:
        connection.close()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def date_bounds(path: str, version: int) -> tuple[date, date] | None:
    """First and last day with KPI or funnel data; None when the marts are empty."""
    frame = _query(
        path,
        """
        select min(day) as first_day, max(day) as last_day from (
            select kpi_date as day from marts.fct_daily_kpis
            union all
            select session_date as day from marts.fct_funnel_daily
        )
        """,
    )
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
