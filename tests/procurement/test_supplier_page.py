"""The Suppliers dashboard page over a hand-made published warehouse (the mart of
_procurement.yml), and its summaries worked out by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "suppliers.py"
MART_YAML = REPO_ROOT / "dbt_project/models/marts/procurement/_procurement.yml"
COLUMNS = ["supplier_id", "supplier_name", "purchase_orders", "units_ordered",
           "units_received", "units_rejected", "fill_rate", "purchase_orders_received",
           "mean_lead_time_days", "on_time_share"]
# 30 ordered, 21 accepted, 3 rejected; 3 fully received orders, 2 of them on time
ROWS = [
    ("s1", "Alpha", 2, 20, 18, 2, 0.9, 2, 5.5, 0.5),
    ("s2", "Beta", 1, 10, 3, 1, 0.3, 1, 3.0, 1.0),
    ("s3", "Gamma", 0, 0, 0, 0, None, 0, None, None),
]


def _ddl() -> str:
    spec = yaml.safe_load(MART_YAML.read_text(encoding="utf-8"))["models"][0]
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


@pytest.fixture
def supplier_warehouse(warehouse, settings_env):  # noqa: F811
    frame = pd.DataFrame(ROWS, columns=COLUMNS)  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_supplier_performance ({_ddl()})")
        conn.execute("insert into marts.fct_supplier_performance by name select * from frame")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_and_table(supplier_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "Units ordered": "30", "Fill rate": "70.00%", "Reject rate": "12.50%",
        "On time": "66.67%"}
    table = app.dataframe[0].value
    assert list(table["supplier_name"]) == ["Alpha", "Beta", "Gamma"]
    assert list(table["fill"]) == ["90.00%", "30.00%", "–"]
    assert list(table["lead_days"]) == ["5.5", "3.0", "–"]


def test_totals_by_hand():
    from dashboards import supplier_data

    t = supplier_data.totals(pd.DataFrame(ROWS, columns=COLUMNS))
    assert (t["units_ordered"], t["units_received"], t["units_rejected"]) == (30, 21, 3)
    assert t["fill_rate"] == pytest.approx(21 / 30)
    assert t["reject_rate"] == pytest.approx(3 / 24)
    assert t["on_time_share"] == pytest.approx(2 / 3)
    empty = supplier_data.totals(pd.DataFrame(columns=COLUMNS))
    assert empty["fill_rate"] is None and empty["on_time_share"] is None


def test_a_warehouse_without_the_supplier_mart_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the supplier mart existed" in " ".join(i.value for i in app.info)
