"""A small published warehouse in tmp, and Settings pointed at it."""

from __future__ import annotations

from datetime import date, timedelta

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
