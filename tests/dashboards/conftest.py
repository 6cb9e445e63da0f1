"""A small published warehouse in tmp, and Settings pointed at it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

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
        refunded = int(rng.integers(0, 3)) * 700  # some days give nothing back
        cancelled = 1500 if offset % 4 == 0 else 0
        rows[-1].update(
            refunded_cents=refunded,
            cancelled_after_payment_cents=cancelled,
            net_revenue_cents=gmv - refunded - cancelled,
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
                conversion_rate double, refunds_due bigint, refunds_due_cents bigint,
                refunded_cents bigint, cancelled_after_payment_cents bigint,
                net_revenue_cents bigint, points_paid_cents bigint default 0,
                paid_revenue_cents bigint
            )
            """
        )
        connection.execute(
            "create table marts.fct_funnel_daily "
            "(session_date date, step_order integer, step varchar, sessions bigint)"
        )
        connection.execute("insert into marts.fct_daily_kpis by name select * from kpis")
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


# --- order-flow marts (issue 8) ------------------------------------------------------------
MARTS_YAML = Path(__file__).resolve().parents[2] / "dbt_project/models/marts/_marts.yml"
ORDER_FLOW_MARTS = ("fct_sub_orders", "fct_fulfilment", "fct_payments",
                    "fct_payments_by_channel", "fct_refunds", "fct_payment_reconciliation",
                    "fct_after_sales")


def mart_ddl(mart: str) -> str:
    """The mart's columns as the dbt contract (_marts.yml) declares them, so the hand-made
    tables here cannot drift from what dbt builds."""
    doc = yaml.safe_load(MARTS_YAML.read_text(encoding="utf-8"))
    model = next(m for m in doc["models"] if m["name"] == mart)
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in model["columns"])


def _at(offset: int, hour: int = 9) -> datetime:
    return datetime.combine(_day(offset), datetime.min.time()) + timedelta(hours=hour)


def _sub_orders() -> pd.DataFrame:
    def sub(sid, offset, status, *, carrier=None, region="RS", ship=None, deliver=None,
            intercepted=False, paused=False, cancelled=False, hold=None):
        return {"sub_order_id": sid, "order_id": f"o-{sid}", "merchant_name": "Nordic Goods",
                "status": status, "created_date": _day(offset), "created_at": _at(offset),
                "shipping_region": region, "carrier": carrier, "total_cents": 1000,
                "warehouse_id": "default", "warehouse_name": "Main warehouse",
                "shipped_at": _at(offset, 15) if carrier else None,
                "hours_to_ship": ship, "hours_to_deliver": deliver,
                "is_intercepted": intercepted, "interceptions": int(intercepted),
                "is_paused": paused, "hold_reason": hold,
                "is_cancelled_after_payment": cancelled, "is_paid": status != "awaiting_payment",
                "is_replacement": False}

    return pd.DataFrame([
        sub("so1", 0, "delivered", carrier="post", ship=6.0, deliver=24.0),
        sub("so2", 1, "delivered", carrier="express", region="SC", ship=24.0, deliver=12.0),
        sub("so3", 2, "shipped", carrier="post", ship=12.0),
        sub("so4", 3, "cancelled", intercepted=True, cancelled=True),
        sub("so5", 4, "allocated", intercepted=True, paused=True, hold="customer called"),
        sub("so6", 5, "awaiting_payment"),
    ])


def _fulfilment() -> pd.DataFrame:
    return pd.DataFrame([
        {"shipped_date": _day(0), "warehouse_id": "default", "shipping_region": "RS",
         "carrier": "post", "sub_orders_shipped": 1, "sub_orders_delivered": 1,
         "avg_hours_to_ship": 6.0},
        {"shipped_date": _day(1), "warehouse_id": "default", "shipping_region": "SC",
         "carrier": "express", "sub_orders_shipped": 1, "sub_orders_delivered": 1,
         "avg_hours_to_ship": 24.0},
        {"shipped_date": _day(2), "warehouse_id": "default", "shipping_region": "RS",
         "carrier": "post", "sub_orders_shipped": 1, "sub_orders_delivered": 0,
         "avg_hours_to_ship": 12.0},
    ])


# (day offset, channel, started, succeeded, failed, captured, refunded)
CHANNEL_ROWS = [
    (0, "card", 3, 2, 1, 8000, 0),
    (1, "card", 2, 1, 1, 1200, 500),
    (0, "wallet", 1, 1, 0, 3300, 3300),
]
# paid payments: (id, channel, day offset, minutes to pay)
PAID_PAYMENTS = [("p1", "card", 0, 4.0), ("p2", "card", 0, 10.0), ("p3", "card", 1, 2.0),
                 ("p4", "wallet", 0, 0.0)]


def _payments_by_channel() -> pd.DataFrame:
    return pd.DataFrame([
        {"payment_date": _day(o), "channel": ch, "currency": "USD", "payments_started": n,
         "payments_succeeded": ok, "payments_failed": ko, "captured_cents": cap,
         "refunded_cents": ref}
        for o, ch, n, ok, ko, cap, ref in CHANNEL_ROWS
    ])


def _payments() -> pd.DataFrame:
    return pd.DataFrame([
        {"payment_id": pid, "order_id": f"o-{pid}", "channel": ch, "outcome": "paid",
         "paid_at": _at(o), "payment_date": _day(o), "minutes_to_pay": minutes,
         "captured_cents": 1000, "refunded_cents": 0}
        for pid, ch, o, minutes in PAID_PAYMENTS
    ])


def _refunds() -> pd.DataFrame:
    return pd.DataFrame([
        {"refund_key": "r1:p4", "order_id": "o-p4", "payment_id": "p4", "channel": "wallet",
         "amount_cents": 3300, "refund_status": "refunded", "refund_kind": "interception",
         "reason_code": "intercepted", "is_revenue_refund": False, "refunded_at": _at(0, 16),
         "refund_date": _day(0)},
        {"refund_key": "r2:p3", "order_id": "o-p3", "payment_id": "p3", "channel": "card",
         "amount_cents": 500, "refund_status": "refunded", "refund_kind": "after_sales",
         "reason_code": "damaged", "is_revenue_refund": True, "refunded_at": _at(1, 16),
         "requested_at": _at(0, 16), "refund_date": _day(1), "hours_to_resolve": 24.0},
        {"refund_key": "owed:p9", "order_id": "o-p9", "payment_id": "p9", "channel": "card",
         "amount_cents": 800, "refund_status": "owed", "refund_kind": "owed_back",
         "reason_code": "order_not_payable", "is_revenue_refund": False,
         "requested_at": _at(1), "refund_date": _day(1)},
    ])


def _reconciliation() -> pd.DataFrame:
    return pd.DataFrame([
        {"reconciled_date": _day(0), "channel": "card", "mismatch_kind": "amount_differs",
         "transaction_kind": "captured", "currency": "USD", "run_id": "run1",
         "reconciled_at": _at(1, 1), "mismatches": 1, "ledger_amount_cents": 7000,
         "statement_amount_cents": 6900, "difference_cents": 100},
        {"reconciled_date": _day(1), "channel": "bank_transfer",
         "mismatch_kind": "missing_in_ledger", "transaction_kind": "captured",
         "currency": "USD", "run_id": "run2", "reconciled_at": _at(2, 1), "mismatches": 2,
         "ledger_amount_cents": 0, "statement_amount_cents": 3000, "difference_cents": 3000},
    ])


def _after_sales() -> pd.DataFrame:
    def request(rid, offset, kind, reason, status, resolution, hours, refunded):
        return {"request_id": rid, "order_id": f"o-{rid}", "sub_order_id": f"s-{rid}",
                "merchant_name": "Nordic Goods", "request_type": kind, "reason_code": reason,
                "request_status": status, "resolution": resolution,
                "requested_at": _at(offset), "requested_date": _day(offset),
                "hours_to_resolve": hours, "refunded_cents": refunded, "exchanged_cents": 0}

    return pd.DataFrame([
        request("a1", 1, "return_refund", "damaged", "closed", "refunded", 24.0, 500),
        request("a2", 2, "return_refund", "no_longer_needed", "closed", "rejected", 2.0, 0),
        request("a3", 3, "refund_only", "damaged", "open", None, None, 0),
    ])


def _create_order_flow_marts(path, frames: dict[str, pd.DataFrame] | None) -> None:
    connection = duckdb.connect(str(path))
    try:
        for mart in ORDER_FLOW_MARTS:
            connection.execute(f"create table marts.{mart} ({mart_ddl(mart)})")
            if frames and mart in frames:
                frame = frames[mart]  # noqa: F841 (read by DuckDB by name)
                connection.execute(f"insert into marts.{mart} by name select * from frame")
    finally:
        connection.close()


@pytest.fixture
def order_flow_warehouse(warehouse, settings_env):
    """The KPI warehouse plus the order-flow marts, with a small hand-made story."""
    frames = {
        "fct_sub_orders": _sub_orders(),
        "fct_fulfilment": _fulfilment(),
        "fct_payments_by_channel": _payments_by_channel(),
        "fct_payments": _payments(),
        "fct_refunds": _refunds(),
        "fct_payment_reconciliation": _reconciliation(),
        "fct_after_sales": _after_sales(),
    }
    _create_order_flow_marts(settings_env.published_warehouse_path, frames)
    return {**warehouse, **frames}


@pytest.fixture
def empty_order_flow_warehouse(warehouse, settings_env):
    """KPIs, but the order-flow marts are empty (a shop with no orders in the new flow)."""
    _create_order_flow_marts(settings_env.published_warehouse_path, None)
    return warehouse
