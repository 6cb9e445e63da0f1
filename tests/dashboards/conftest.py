"""A small published warehouse in tmp, and Settings pointed at it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from transactional_api.config import get_settings

FIRST_DAY = date(2025, 3, 1)
DAYS = 14
STEPS = ["product_view", "add_to_cart", "checkout_started", "order_created", "order_paid"]


def _daily_kpis(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for offset in range(DAYS):
        orders = int(rng.integers(0, 6))
        gmv = int(rng.integers(500, 20_000)) * orders
        sessions = int(rng.integers(orders, orders + 40))
        refunds = int(rng.integers(0, 3))  # some days owe nothing back
        rows.append(
            {
                "kpi_date": FIRST_DAY + timedelta(days=offset),
                "gmv_cents": gmv,
                "paid_orders": orders,
                "aov_cents": round(gmv / orders) if orders else 0,
                "buyers": orders - 1 if orders > 1 else orders,  # one repeat buyer on busy days
                "sessions": sessions,
                "converted_sessions": orders,
                "conversion_rate": orders / sessions if sessions else 0.0,
                "refunds_due": refunds,
                "refunds_due_cents": int(rng.integers(100, 9_000)) * refunds,
            }
        )
    return pd.DataFrame(rows)


def _funnel(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for offset in range(DAYS):
        reached = int(rng.integers(20, 60))
        for order, step in enumerate(STEPS, start=1):
            rows.append(
                {
                    "session_date": FIRST_DAY + timedelta(days=offset),
                    "step_order": order,
                    "step": step,
                    "sessions": reached,
                }
            )
            reached = int(rng.integers(0, reached + 1))
    return pd.DataFrame(rows)


@pytest.fixture
def settings_env(tmp_path, monkeypatch):
    """Point FLYWHEEL_WAREHOUSE_PATH at tmp; the published copy derives from it."""
    monkeypatch.setenv("FLYWHEEL_WAREHOUSE_PATH", str(tmp_path / "flywheel.duckdb"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def warehouse(settings_env):
    """Builds published.duckdb with the two marts; returns their frames and first day."""
    rng = np.random.default_rng(20250301)
    kpis, funnel = _daily_kpis(rng), _funnel(rng)
    connection = duckdb.connect(str(settings_env.published_warehouse_path))
    try:
        connection.execute("create schema marts")
        connection.execute(
            """
            create table marts.fct_daily_kpis (
                kpi_date date, gmv_cents bigint, paid_orders bigint, aov_cents bigint,
                buyers bigint, sessions bigint, converted_sessions bigint,
                conversion_rate double, refunds_due bigint, refunds_due_cents bigint
            )
            """
        )
        connection.execute(
            "create table marts.fct_funnel_daily "
            "(session_date date, step_order integer, step varchar, sessions bigint)"
        )
        connection.execute("insert into marts.fct_daily_kpis select * from kpis")
        connection.execute("insert into marts.fct_funnel_daily select * from funnel")
    finally:
        connection.close()
    return {"kpis": kpis, "funnel": funnel, "first_day": FIRST_DAY, "days": DAYS}


# --- stock and search marts ------------------------------------------------------------
STOCK_MARTS_DDL = {
    "dim_skus": "sku_id varchar, product_id varchar, product_name varchar, sku_code varchar, "
                "sku_name varchar",
    "dim_warehouses": "warehouse_id varchar, warehouse_code varchar, warehouse_name varchar",
    "fct_daily_stock_positions": "position_date date, sku_id varchar, warehouse_id varchar, "
                                 "product_id varchar, on_hand bigint, reserved bigint, "
                                 "sellable bigint, units_in bigint, units_out bigint, "
                                 "units_deducted bigint, units_reserved bigint, "
                                 "units_released bigint, units_expired bigint, "
                                 "movements bigint",
    "fct_stock_alerts": "alert_id varchar, alerted_at timestamp, alert_date date, "
                        "sku_id varchar, sku_code varchar, sku_name varchar, "
                        "product_id varchar, product_name varchar, warehouse_id varchar, "
                        "warehouse_name varchar, sellable_units bigint, safety_stock bigint, "
                        "is_latest boolean, current_on_hand bigint, current_reserved bigint, "
                        "current_sellable bigint, current_safety_stock bigint, "
                        "is_still_low boolean",
    "fct_daily_searches": "search_date date, search_query varchar, search_source varchar, "
                          "searches bigint, zero_result_searches bigint, "
                          "avg_results_count double",
}


def _day(offset: int) -> date:
    return FIRST_DAY + timedelta(days=offset)


def _positions() -> pd.DataFrame:
    rows = []
    for offset in range(DAYS):  # s1 at the main warehouse every day, one unit sold a day
        on_hand, reserved = 20 - offset, offset % 3
        rows.append((_day(offset), "s1", "default", "p1", on_hand, reserved, on_hand - reserved,
                     0, 1, 1, 0, 0, 0, 1))
    for offset in range(5, DAYS):  # s2 at the north store from day 5, level flat
        rows.append((_day(offset), "s2", "north", "p2", 5, 1, 4, 5 if offset == 5 else 0, 0,
                     0, 1 if offset == 5 else 0, 0, 0, 1 if offset == 5 else 0))
    columns = ["position_date", "sku_id", "warehouse_id", "product_id", "on_hand", "reserved",
               "sellable", "units_in", "units_out", "units_deducted", "units_reserved",
               "units_released", "units_expired", "movements"]
    return pd.DataFrame(rows, columns=columns)


def _alerts() -> pd.DataFrame:
    def alert(alert_id, offset, sku, code, product, location, name, latest, current, low):
        at = datetime.combine(_day(offset), datetime.min.time()) + timedelta(hours=9)
        return (alert_id, at, at.date(), sku, code, code, "p1" if sku == "s1" else "p2",
                product, location, name, 3, 4, latest, current + 1, 1, current, 4, low)

    return pd.DataFrame([
        alert("a-old", 2, "s1", "S1", "Mug", "default", "Main warehouse", False, 7, False),
        alert("a-s1", 9, "s1", "S1", "Mug", "default", "Main warehouse", True, 7, False),
        alert("a-s2", 11, "s2", "S2", "Teapot", "north", "North store", True, 4, True),
    ])


# (day offset, query, searches, zero-result searches, mean results)
SEARCH_ROWS = [
    (0, "mug", 5, 0, 4.0),
    (1, "kettle", 3, 3, 0.0),
    (8, "mug", 1, 0, 2.0),
    (12, "spoon", 2, 1, 0.5),
    (13, "", 4, 0, 10.0),
]


def _searches() -> pd.DataFrame:
    return pd.DataFrame(
        [(_day(o), q, "server", n, z, avg) for o, q, n, z, avg in SEARCH_ROWS],
        columns=["search_date", "search_query", "search_source", "searches",
                 "zero_result_searches", "avg_results_count"],
    )


def _create_stock_marts(path, frames: dict[str, pd.DataFrame] | None) -> None:
    connection = duckdb.connect(str(path))
    try:
        for table, ddl in STOCK_MARTS_DDL.items():
            connection.execute(f"create table marts.{table} ({ddl})")
            if frames and table in frames:
                frame = frames[table]  # noqa: F841 (read by DuckDB by name)
                connection.execute(f"insert into marts.{table} select * from frame")
    finally:
        connection.close()


@pytest.fixture
def stock_warehouse(warehouse, settings_env):
    """The KPI warehouse plus the stock and search marts, with a small hand-made story."""
    frames = {
        "dim_skus": pd.DataFrame([("s1", "p1", "Mug", "S1", "Mug 300 ml"),
                                  ("s2", "p2", "Teapot", "S2", "Teapot 1 l")]),
        "dim_warehouses": pd.DataFrame([("default", "default", "Main warehouse"),
                                        ("north", "north", "North store")]),
        "fct_daily_stock_positions": _positions(),
        "fct_stock_alerts": _alerts(),
        "fct_daily_searches": _searches(),
    }
    _create_stock_marts(settings_env.published_warehouse_path, frames)
    return {**warehouse, **frames}


@pytest.fixture
def empty_stock_warehouse(warehouse, settings_env):
    """KPIs, but the stock and search marts are empty (a shop with no stock moves yet)."""
    _create_stock_marts(settings_env.published_warehouse_path, None)
    return warehouse
