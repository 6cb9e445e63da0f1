"""The Reach dashboard page over a hand-made published warehouse (the mart of _reach.yml)."""

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
PAGE = REPO_ROOT / "dashboards" / "pages" / "reach.py"
REACH_YAML = REPO_ROOT / "dbt_project/models/marts/reach/_reach.yml"
COLUMNS = ["campaign_id", "send_date", "campaign_name", "channel", "trigger_kind", "sends",
           "unique_recipients", "opens", "clicks", "conversions", "conversion_revenue_cents",
           "currency", "attribution_days"]
ROWS = [  # 10 sends, 4 opens, 2 clicks; 2 of 9 recipients converted, 30.00 + 12.50
    ("c1", date(2025, 3, 10), "Level up", "inbox", "event", 4, 4, 3, 1, 1, 3000, "USD", 7),
    ("c1", date(2025, 3, 11), "Level up", "inbox", "event", 2, 2, 1, 1, 0, 0, "USD", 7),
    ("c2", date(2025, 3, 11), "Cart", "email", "abandoned_cart", 4, 3, 0, 0, 1, 1250, "USD", 7),
]


def _ddl() -> str:
    spec = yaml.safe_load(REACH_YAML.read_text(encoding="utf-8"))["models"][0]
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


@pytest.fixture
def reach_warehouse(warehouse, settings_env):  # noqa: F811
    frame = pd.DataFrame(ROWS, columns=COLUMNS)  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_reach_campaigns ({_ddl()})")
        conn.execute("insert into marts.fct_reach_campaigns by name select * from frame")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_table_and_charts(reach_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "Sends": "10", "Open rate": "40.00%", "Click rate": "20.00%",
        "Conversion rate": "22.22%", "Conversion revenue": "$42.50"}
    table = app.dataframe[0].value
    assert list(table["campaign_name"]) == ["Level up", "Cart"]
    assert list(table["conversion_rate"]) == ["16.67%", "33.33%"]
    assert list(table["revenue"]) == ["$30.00", "$12.50"]
    assert len(app.get("vega_lite_chart")) == 2
    assert len(app.get("download_button")) == 2


def test_per_campaign_by_hand():
    from dashboards import reach_data

    days = pd.DataFrame(ROWS, columns=COLUMNS)
    got = reach_data.per_campaign(days).set_index("campaign_id")
    assert got.loc["c1", "sends"] == 6 and got.loc["c1", "opens"] == 4
    assert got.loc["c1", "open_rate"] == pytest.approx(4 / 6)
    assert got.loc["c2", "click_rate"] == 0.0
    assert got.loc["c2", "conversion_rate"] == pytest.approx(1 / 3)


def test_a_warehouse_without_the_reach_mart_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the reach mart existed" in " ".join(i.value for i in app.info)
