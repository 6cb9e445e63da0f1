"""The Cross-border dashboard page over a hand-made published warehouse."""

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
PAGE = REPO_ROOT / "dashboards" / "pages" / "cross_border.py"
YAML = REPO_ROOT / "dbt_project/models/marts/duties/_duties.yml"
COLUMNS = ["order_date", "destination_country", "currency", "orders", "goods_cents",
           "duties_cents", "import_tax_cents"]
ROWS = [  # GB in USD: 3 orders, 200.00 goods, 10.00 duty + 42.00 VAT = 26%
    (date(2025, 3, 10), "GB", "USD", 2, 15000, 800, 3160),
    (date(2025, 3, 11), "GB", "USD", 1, 5000, 200, 1040),
    (date(2025, 3, 11), "DE", "USD", 1, 2000, 0, 380),
]


@pytest.fixture
def cross_border_warehouse(warehouse, settings_env):  # noqa: F811
    spec = yaml.safe_load(YAML.read_text(encoding="utf-8"))["models"][0]
    ddl = ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])
    frame = pd.DataFrame(ROWS, columns=COLUMNS)  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_cross_border_orders ({ddl})")
        conn.execute("insert into marts.fct_cross_border_orders by name select * from frame")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_per_country_by_hand():
    from dashboards import cross_border_data

    got = cross_border_data.per_country(pd.DataFrame(ROWS, columns=COLUMNS))
    assert list(got["destination_country"]) == ["GB", "DE"]
    gb = got.iloc[0]
    assert (gb["orders"], gb["goods_cents"], gb["duties_cents"], gb["import_tax_cents"]) == (
        3, 20000, 1000, 4200)
    assert gb["charges_rate"] == pytest.approx(0.26)
    assert got.iloc[1]["charges_rate"] == pytest.approx(0.19)


def test_the_page_shows_each_destination(cross_border_warehouse):
    app = _run()
    table = app.dataframe[0].value
    assert list(table["destination_country"]) == ["GB", "DE"]
    assert list(table["duties"]) == ["$10.00", "$0.00"]
    assert list(table["charges"]) == ["26.00%", "19.00%"]


def test_a_warehouse_without_the_mart_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the cross-border mart existed" in " ".join(i.value for i in app.info)
