"""The Markets dashboard page over a hand-made published warehouse (the mart of
_markets.yml)."""

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
PAGE = REPO_ROOT / "dashboards" / "pages" / "markets.py"
YAML = REPO_ROOT / "dbt_project/models/marts/markets/_markets.yml"
COLUMNS = ["order_date", "market_code", "currency", "base_currency", "orders", "gmv_minor",
           "gmv_base_minor"]
ROWS = [  # base 100.00 USD; jp 12,104 yen = 79.96 USD; kw 12.278 KWD = 39.98 USD
    (date(2025, 3, 10), "base", "USD", "USD", 3, 10000, 10000),
    (date(2025, 3, 10), "jp", "JPY", "USD", 1, 9078, 5997),
    (date(2025, 3, 11), "jp", "JPY", "USD", 1, 3026, 1999),
    (date(2025, 3, 11), "kw", "KWD", "USD", 1, 12278, 3998),
]


@pytest.fixture
def markets_warehouse(warehouse, settings_env):  # noqa: F811
    spec = yaml.safe_load(YAML.read_text(encoding="utf-8"))["models"][0]
    ddl = ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])
    frame = pd.DataFrame(ROWS, columns=COLUMNS)  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_sales_by_market ({ddl})")
        conn.execute("insert into marts.fct_sales_by_market by name select * from frame")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_per_market_by_hand():
    from dashboards import markets_data

    got = markets_data.per_market(pd.DataFrame(ROWS, columns=COLUMNS))
    assert list(got["market_code"]) == ["base", "jp", "kw"]  # by base GMV, largest first
    jp = got.set_index("market_code").loc["jp"]
    assert (jp["orders"], jp["gmv_minor"], jp["gmv_base_minor"]) == (2, 12104, 7996)
    assert jp["share"] == pytest.approx(7996 / 21994)
    assert jp["aov_base_minor"] == 3998
    assert markets_data.format_minor(12104, "JPY") == "12,104 JPY"
    assert markets_data.format_minor(12278, "KWD") == "12.278 KWD"
    assert markets_data.format_minor(21994, "USD") == "219.94 USD"


def test_tiles_and_table(markets_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "Markets": "3", "Orders": "6", "GMV (USD)": "219.94 USD"}
    table = app.dataframe[0].value
    assert list(table["gmv"]) == ["100.00 USD", "12,104 JPY", "12.278 KWD"]


def test_a_warehouse_without_the_markets_mart_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the markets mart existed" in " ".join(i.value for i in app.info)
