"""The Points mall dashboard page over a hand-made published warehouse (the mart's
columns from _points_mall.yml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "points_mall.py"
MART_YAML = REPO_ROOT / "dbt_project/models/marts/points_mall/_points_mall.yml"
COLUMNS = ["item_id", "activity_date", "item_kind", "currency", "redemptions", "units",
           "points_spent", "cash_cents", "points_cost_cents", "give_backs",
           "points_given_back", "points_given_back_cents", "units_restocked",
           "net_points_cost_cents"]
ROWS = [  # mug: 3 + 1 redemptions, 1 given back; coupon: 2 redemptions
    ("mug", date(2025, 3, 10), "goods", "USD", 3, 3, 1500, 0, 1500, 0, 0, 0, 0, 1500),
    ("mug", date(2025, 3, 11), "goods", "USD", 1, 1, 500, 0, 500, 1, 500, 500, 1, 0),
    ("cpn", date(2025, 3, 11), "coupon", "USD", 2, 2, 400, 0, 400, 0, 0, 0, 0, 400),
]


def _ddl() -> str:
    spec = yaml.safe_load(MART_YAML.read_text(encoding="utf-8"))["models"][0]
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


@pytest.fixture
def mall_warehouse(warehouse, settings_env):  # noqa: F811
    frame = pd.DataFrame(ROWS, columns=COLUMNS)  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_points_mall_redemptions ({_ddl()})")
        conn.execute("insert into marts.fct_points_mall_redemptions by name "
                     "select * from frame")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_table_and_chart(mall_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "Redemptions": "6", "Points spent": "2,400", "Cash taken": "$0.00",
        "Net points cost": "$19.00", "Give-backs": "1"}
    table = app.dataframe[0].value
    assert list(table["item_id"]) == ["mug", "cpn"]
    assert list(table["give_back_rate"]) == ["25.00%", "0.00%"]
    assert len(app.get("vega_lite_chart")) == 1


def test_per_item_by_hand():
    from dashboards import points_mall_data

    got = points_mall_data.per_item(pd.DataFrame(ROWS, columns=COLUMNS)).set_index("item_id")
    assert got.loc["mug", "redemptions"] == 4 and got.loc["mug", "points_spent"] == 2000
    assert got.loc["mug", "give_back_rate"] == pytest.approx(1 / 4)
    assert got.loc["cpn", "net_points_cost_cents"] == 400


def test_a_warehouse_without_the_mart_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the points mall mart existed" in " ".join(i.value for i in app.info)
