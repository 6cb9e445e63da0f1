"""The Recommendations dashboard page over a hand-made published warehouse (the marts of
_recommendations.yml), and its two-proportion interval worked out by hand."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "recommendations.py"
YAML = REPO_ROOT / "dbt_project/models/marts/recommendations/_recommendations.yml"
D1, D2 = date(2025, 3, 10), date(2025, 3, 11)
# impressions 1000 + 500 + 1000 = 2500, clicks 50 + 10 + 80 = 140; attributed 2 + 1 orders,
# 40.00 + 15.00 GMV
PERFORMANCE = [
    {"activity_date": D1, "placement": "home", "model": "als", "variant": "A",
     "lists_shown": 100, "impressions": 1000, "clicks": 50, "ctr": 0.05, "exposed_users": 80,
     "exposed_visitors": 90, "attributed_orders": 2, "attributed_order_lines": 2,
     "attributed_gmv_cents": 4000, "currency": "USD", "attribution_hours": 24},
    {"activity_date": D1, "placement": "cart", "model": "session_knn", "variant": "A",
     "lists_shown": 50, "impressions": 500, "clicks": 10, "ctr": 0.02, "exposed_users": 40,
     "exposed_visitors": 45, "attributed_orders": 0, "attributed_order_lines": 0,
     "attributed_gmv_cents": 0, "currency": "USD", "attribution_hours": 24},
    {"activity_date": D2, "placement": "home", "model": "als", "variant": "B",
     "lists_shown": 100, "impressions": 1000, "clicks": 80, "ctr": 0.08, "exposed_users": 85,
     "exposed_visitors": 95, "attributed_orders": 1, "attributed_order_lines": 1,
     "attributed_gmv_cents": 1500, "currency": "USD", "attribution_hours": 24},
]
# A: 60 clicks of 1500 impressions; B: 80 of 1000
AB = [
    {"activity_date": D1, "variant": "A", "exposed_visitors": 135, "clicking_visitors": 30,
     "impressions": 1500, "clicks": 60, "ctr": 0.04, "converted_visitors": 9,
     "conversion_rate": 9 / 135, "orders": 10, "gmv_cents": 27000,
     "gmv_cents_per_exposed_visitor": 200.0, "attributed_gmv_cents": 4000, "currency": "USD",
     "attribution_hours": 24},
    {"activity_date": D2, "variant": "B", "exposed_visitors": 95, "clicking_visitors": 40,
     "impressions": 1000, "clicks": 80, "ctr": 0.08, "converted_visitors": 19,
     "conversion_rate": 0.2, "orders": 20, "gmv_cents": 19000,
     "gmv_cents_per_exposed_visitor": 200.0, "attributed_gmv_cents": 1500, "currency": "USD",
     "attribution_hours": 24},
]


def _create(conn, name: str, rows: list[dict]) -> None:
    spec = next(m for m in yaml.safe_load(YAML.read_text(encoding="utf-8"))["models"]
                if m["name"] == name)
    ddl = ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])
    frame = pd.DataFrame(rows)  # noqa: F841 (read by DuckDB)
    conn.execute(f"create table marts.{name} ({ddl})")
    conn.execute(f"insert into marts.{name} by name select * from frame")


@pytest.fixture
def reco_warehouse(warehouse, settings_env):  # noqa: F811
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        _create(conn, "fct_recommendation_performance_daily", PERFORMANCE)
        _create(conn, "fct_recommendation_ab_daily", AB)
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_tables_charts_and_ab(reco_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "Impressions": "2,500", "Clicks": "140", "CTR": "5.60%", "Attributed orders": "3",
        "Attributed GMV": "$55.00"}
    models = app.dataframe[0].value
    assert list(zip(models["model"], models["placement"], models["ctr"], strict=True)) == [
        ("als", "home", "6.50%"), ("session_knn", "cart", "2.00%")]
    assert list(models["attributed_gmv"]) == ["$55.00", "$0.00"]
    variants = app.dataframe[1].value
    assert list(variants["ctr"]) == ["4.00%", "8.00%"]
    assert list(variants["gmv_per_exposed_visitor"]) == ["$2.00", "$2.00"]
    compared = app.dataframe[2].value
    # 0.08 - 0.04 = +4.00%; se = sqrt(.0384/1500 + .0736/1000) = sqrt(.0000992) = .00996,
    # 1.96 se = 1.952 points
    assert list(compared["ctr_difference"]) == ["+4.00%"]
    assert list(compared["interval"]) == ["[+2.05%, +5.95%]"]
    assert list(compared["significant"]) == [True]
    assert len(app.get("vega_lite_chart")) == 2
    assert "two-proportion z-interval" in " ".join(c.value for c in app.caption)
    assert "recommendation_shown" in app.caption[0].value


def test_interval_by_hand():
    from dashboards.recommendations_data import ctr_difference_interval

    diff, low, high = ctr_difference_interval(60, 1500, 80, 1000)
    se = math.sqrt(0.04 * 0.96 / 1500 + 0.08 * 0.92 / 1000)
    assert diff == pytest.approx(0.04)
    assert (low, high) == pytest.approx((0.04 - 1.959964 * se, 0.04 + 1.959964 * se))
    # equal CTRs: the interval straddles zero
    _, low, high = ctr_difference_interval(10, 100, 10, 100)
    assert low < 0 < high
    assert ctr_difference_interval(1, 0, 1, 10) is None


def test_a_warehouse_without_the_marts_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the recommendation marts existed" in " ".join(i.value for i in app.info)
