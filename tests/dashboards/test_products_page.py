"""The Products page and the overview's money view over small hand-made marts, plus the
page's pure helpers (dashboards/product_analysis.py). The marts' columns come from their dbt
contracts, so these tables cannot drift from what dbt builds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboards import product_analysis
from tests.dashboards.conftest import FIRST_DAY

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "products.py"
APP = REPO_ROOT / "dashboards" / "app.py"
MARTS = REPO_ROOT / "dbt_project" / "models" / "marts"
YAMLS = (MARTS / "products" / "_products.yml", MARTS / "money" / "_money.yml")
MONTH = FIRST_DAY.replace(day=1)


def _ddl() -> dict[str, str]:
    models = [m for path in YAMLS
              for m in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]]
    return {m["name"]: ", ".join(f'{c["name"]} {c["data_type"]}' for c in m["columns"])
            for m in models}


def _day(offset: int):
    return FIRST_DAY + timedelta(days=offset)


# (product, name, revenue, class): 7000 + 1500 + 1000 + 500 = 10000; p2 crosses 80% (A),
# p3 ends at 95% (B), p4 is the last 5% (C)
ABC = [("p1", "Mug", 7000, "A"), ("p2", "Teapot", 1500, "A"), ("p3", "Kettle", 1000, "B"),
       ("p4", "Tray", 500, "C")]


def _frames() -> dict[str, pd.DataFrame]:
    cumulative = pd.Series([r[2] for r in ABC]).cumsum()
    return {
        "dim_products": pd.DataFrame({"product_id": [r[0] for r in ABC],
                                      "product_name": [r[1] for r in ABC]}),
        "fct_product_abc": pd.DataFrame([{
            "period_month": MONTH, "currency": "USD", "product_id": p, "units_sold": 1,
            "revenue_cents": cents, "revenue_rank": rank, "cumulative_revenue_cents": cum,
            "period_revenue_cents": 10_000, "revenue_share": cents / 10_000,
            "cumulative_share_before": (cum - cents) / 10_000,
            "cumulative_share": cum / 10_000, "abc_class": cls}
            for rank, ((p, _, cents, cls), cum)
            in enumerate(zip(ABC, cumulative, strict=True), start=1)]),
        "fct_product_bestsellers": pd.DataFrame([{
            "period_month": MONTH, "currency": "USD", "sku_id": "s1", "product_id": "p1",
            "product_name": "Mug", "sku_name": "Mug 300 ml", "units_sold": 7, "orders": 5,
            "revenue_cents": 7000, "revenue_rank": 1, "units_rank": 1,
            "product_revenue_rank": 1}]),
        "fct_product_inventory_monthly": pd.DataFrame([
            {"period_month": MONTH, "sku_id": "s1", "product_id": "p1", "units_sold": 7,
             "period_days": 14, "avg_on_hand": 14.0, "on_hand_end": 7,
             "inventory_turnover": 0.5, "days_of_inventory": 28.0, "sell_through_rate": 0.5},
            {"period_month": MONTH, "sku_id": "s2", "product_id": "p2", "units_sold": 0,
             "period_days": 9, "avg_on_hand": 5.0, "on_hand_end": 5,
             "inventory_turnover": 0.0, "days_of_inventory": None,
             "sell_through_rate": 0.0}]),
        "fct_slow_movers": pd.DataFrame([{
            "sku_id": "s2", "product_id": "p2", "product_name": "Teapot",
            "sku_name": "Teapot 1 l", "as_of_date": _day(13), "on_hand": 5,
            "first_stocked_date": _day(-40), "days_in_stock": 53, "last_sold_date": None,
            "days_since_last_sale": None, "slow_mover_days": 30}]),
        # p1: 10 views and 2 orders on day 0, 5 views and 1 order on day 8 -> 3 / 15;
        # p3: 4 views, no order; p4 bought without a view
        "fct_product_views_daily": pd.DataFrame([
            {"activity_date": _day(0), "product_id": "p1", "product_views": 10,
             "purchase_orders": 2, "units_purchased": 3},
            {"activity_date": _day(8), "product_id": "p1", "product_views": 5,
             "purchase_orders": 1, "units_purchased": 1},
            {"activity_date": _day(1), "product_id": "p3", "product_views": 4,
             "purchase_orders": 0, "units_purchased": 0},
            {"activity_date": _day(2), "product_id": "p4", "product_views": 0,
             "purchase_orders": 1, "units_purchased": 1}]),
        # day 0: gross 6000 - 300 + 500 + 470 = 6670; day 2: refund 500, cancellation 3300
        "fct_daily_revenue": pd.DataFrame([
            {"revenue_date": _day(0), "currency": "USD", "paid_orders": 3,
             "gross_cents": 6000, "discount_cents": 300, "shipping_cents": 500,
             "tax_cents": 470, "gmv_cents": 6670, "refunded_cents": 0,
             "cancelled_after_payment_cents": 0, "net_revenue_cents": 6670},
            {"revenue_date": _day(2), "currency": "USD", "paid_orders": 0, "gross_cents": 0,
             "discount_cents": 0, "shipping_cents": 0, "tax_cents": 0, "gmv_cents": 0,
             "refunded_cents": 500, "cancelled_after_payment_cents": 3300,
             "net_revenue_cents": -3800}]),
        "fct_daily_revenue_by_channel": pd.DataFrame([
            {"revenue_date": _day(0), "currency": "USD", "channel": "card", "paid_orders": 2,
             "gmv_cents": 3370, "refunded_cents": 0, "cancelled_after_payment_cents": 0,
             "net_revenue_cents": 3370, "payments_succeeded": 2, "payments_failed": 1},
            {"revenue_date": _day(0), "currency": "USD", "channel": "wallet",
             "paid_orders": 1, "gmv_cents": 3300, "refunded_cents": 0,
             "cancelled_after_payment_cents": 0, "net_revenue_cents": 3300,
             "payments_succeeded": 1, "payments_failed": 0},
            {"revenue_date": _day(2), "currency": "USD", "channel": "card", "paid_orders": 0,
             "gmv_cents": 0, "refunded_cents": 500, "cancelled_after_payment_cents": 0,
             "net_revenue_cents": -500, "payments_succeeded": 0, "payments_failed": 0}]),
    }


@pytest.fixture
def products_warehouse(stock_warehouse, settings_env):
    """The stock and search warehouse of conftest.py plus the product and money marts."""
    ddl = {**_ddl(), "dim_products": "product_id varchar, product_name varchar"}
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        for table, frame in _frames().items():  # noqa: B007 (frame is read by DuckDB)
            conn.execute(f"create table marts.{table} ({ddl[table]})")
            conn.execute(f"insert into marts.{table} by name select * from frame")
    return stock_warehouse


def _run(script: Path) -> AppTest:
    app = AppTest.from_file(str(script), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _specs(app: AppTest) -> list:
    return list(app.get("vega_lite_chart"))


def _rows(chart) -> list[dict]:
    """Every row of every dataset the chart draws (a layered chart has several)."""
    return [row for dataset in chart.proto.datasets
            for row in pa.ipc.open_stream(dataset.data.data).read_pandas().to_dict("records")]


def test_products_page_shows_abc_turnover_slow_movers_views_and_searches(products_warehouse):
    app = _run(PAGE)
    tiles = {m.label: m for m in app.metric}
    assert {k: v.value for k, v in tiles.items()} == {"Class A": "2", "Class B": "1",
                                                       "Class C": "1"}
    assert tiles["Class A"].delta == "$85.00 · 85.00%"  # 7000 + 1500 of 10000
    specs = _specs(app)
    # Pareto, days of inventory, view to purchase, hot and zero-result searches
    assert len(specs) == 5
    pareto = {r["product_name"]: r["cumulative_pct"] for r in _rows(specs[0])
              if "cumulative_pct" in r and "product_name" in r}
    assert pareto == pytest.approx({"Mug": 70.0, "Teapot": 85.0, "Kettle": 95.0,
                                    "Tray": 100.0})
    views = {r["product_name"]: r["view_to_purchase_rate"] for r in _rows(specs[2])}
    assert views == pytest.approx({"Mug": 3 / 15, "Kettle": 0.0})  # Tray: bought, unviewed
    # a CSV under each chart, the bestsellers and the slow movers
    assert len(app.get("download_button")) == 7
    slow = app.dataframe[2].value
    assert slow["sku_name"].tolist() == ["Teapot 1 l"]


def test_products_page_date_range_narrows_view_to_purchase(products_warehouse):
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.session_state["date_range"] = (_day(5), _day(13))  # p1's second day only
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    views = {r["product_name"]: r["product_views"] for r in _rows(_specs(app)[2])}
    assert views == {"Mug": 5}


def test_products_page_of_an_older_warehouse_asks_for_a_pipeline_run(stock_warehouse):
    app = _run(PAGE)
    assert "flywheel pipeline run" in app.info[0].value
    assert not app.metric


def test_overview_stacks_the_parts_of_gmv_and_lists_channels(products_warehouse):
    app = _run(APP)
    parts = [s for s in _specs(app) if any("part" in r for r in _rows(s))]
    assert len(parts) == 1
    amounts = {(r["part"], r["revenue_date"].date().isoformat()): r["amount"]
               for r in _rows(parts[0]) if "part" in r}
    day0, day2 = _day(0).isoformat(), _day(2).isoformat()
    # signed as they move net revenue: 60 - 3 + 5 + 4.70 = 66.70 on day 0
    assert amounts[("Discounts", day0)] == -3.0
    assert amounts[("Tax", day0)] == 4.7
    assert sum(v for (_, d), v in amounts.items() if d == day0) == pytest.approx(66.70)
    assert sum(v for (_, d), v in amounts.items() if d == day2) == pytest.approx(-38.0)
    channels = app.dataframe[-1].value
    assert channels["channel"].tolist() == ["card", "wallet"]
    # card: AOV 3370 / 2 = 1685; given back 500 of 3370; 2 paid of 3 settled attempts
    card = channels.iloc[0]
    assert (card["aov_cents"], card["given_back_cents"]) == (1685, 500)
    assert card["refund_rate"] == pytest.approx(500 / 3370)
    assert card["payment_success_rate"] == pytest.approx(2 / 3)


def _floats(column: pd.Series) -> list:
    """The values, None where missing (pandas stores a None among numbers as NaN)."""
    return [None if pd.isna(v) else v for v in column]


def test_abc_summary_and_view_to_purchase_helpers():
    abc = pd.DataFrame({"abc_class": ["A", "A", "C"], "revenue_cents": [600, 300, 100]})
    summary = product_analysis.abc_summary(abc)
    assert summary.to_dict("records") == [
        {"abc_class": "A", "products": 2, "revenue_cents": 900, "revenue_share": 0.9},
        {"abc_class": "B", "products": 0, "revenue_cents": 0, "revenue_share": 0.0},
        {"abc_class": "C", "products": 1, "revenue_cents": 100, "revenue_share": 0.1}]
    views = pd.DataFrame({"product_name": ["Mug", "Tray"], "product_views": [8, 0],
                          "purchase_orders": [2, 1], "units_purchased": [5, 1]})
    out = product_analysis.view_to_purchase(views)
    # Mug: 2 / 8 = 0.25 orders and 5 / 8 = 0.625 units per view; Tray has no views
    assert out["product_name"].tolist() == ["Mug", "Tray"]
    assert _floats(out["view_to_purchase_rate"]) == [0.25, None]
    assert _floats(out["units_per_view"]) == [0.625, None]


def test_channel_money_rounds_aov_half_up_and_leaves_empty_ratios_none():
    frame = pd.DataFrame({"channel": ["card", "bank"], "paid_orders": [2, 0],
                          "gmv_cents": [1001, 0], "given_back_cents": [0, 0],
                          "net_revenue_cents": [1001, 0], "payments_succeeded": [2, 0],
                          "payments_failed": [0, 0]})
    out = product_analysis.channel_money(frame)
    assert _floats(out["aov_cents"]) == [501, None]  # 1001 / 2 = 500.5 -> 501
    assert _floats(out["refund_rate"]) == [0.0, None]
    assert _floats(out["payment_success_rate"]) == [1.0, None]
