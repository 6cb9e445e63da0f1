"""The Landing pages & slots dashboard page over a hand-made published warehouse (the
marts of _landing.yml)."""

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
PAGE = REPO_ROOT / "dashboards" / "pages" / "landing.py"
YAML = REPO_ROOT / "dbt_project/models/marts/landing/_landing.yml"
PAGE_COLUMNS = ["page_id", "view_date", "page_slug", "views", "unique_viewers", "sessions",
                "attributed_orders", "attributed_revenue_cents", "session_conversion_rate",
                "currency"]
PAGES = [  # summer: 10 + 6 views, 8 + 4 sessions, 3 orders, 45.00; winter: 2 views, none
    ("p1", date(2025, 3, 10), "summer", 10, 7, 8, 2, 3000, 0.25, "USD"),
    ("p1", date(2025, 3, 11), "summer", 6, 4, 4, 1, 1500, 0.25, "USD"),
    ("p2", date(2025, 3, 11), "winter", 2, 2, 2, 0, 0, 0.0, "USD"),
]
SLOT_COLUMNS = ["slot", "creative_id", "activity_date", "impressions", "clicks", "ctr",
                "unique_viewers", "attributed_orders", "attributed_revenue_cents", "currency"]
SLOTS = [  # 40 impressions, 4 clicks; one order for 12.00
    ("home_banner", "c1", date(2025, 3, 10), 30, 3, 0.1, 20, 1, 1200, "USD"),
    ("popup", "c2", date(2025, 3, 11), 10, 1, 0.1, 10, 0, 0, "USD"),
]


def _ddl(index: int) -> str:
    spec = yaml.safe_load(YAML.read_text(encoding="utf-8"))["models"][index]
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


@pytest.fixture
def landing_warehouse(warehouse, settings_env):  # noqa: F811
    pages = pd.DataFrame(PAGES, columns=PAGE_COLUMNS)  # noqa: F841 (read by DuckDB)
    slots = pd.DataFrame(SLOTS, columns=SLOT_COLUMNS)  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_landing_page_performance ({_ddl(0)})")
        conn.execute("insert into marts.fct_landing_page_performance by name "
                     "select * from pages")
        conn.execute(f"create table marts.fct_slot_performance ({_ddl(1)})")
        conn.execute("insert into marts.fct_slot_performance by name select * from slots")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_and_tables(landing_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "Page views": "18", "Page revenue": "$45.00", "Slot CTR": "10.00%",
        "Slot revenue": "$12.00"}
    pages = app.dataframe[0].value
    assert list(pages["page_slug"]) == ["summer", "winter"]
    assert list(pages["conversion"]) == ["25.00%", "0.00%"]
    assert list(app.dataframe[1].value["revenue"]) == ["$12.00", "$0.00"]


def test_per_page_and_per_creative_by_hand():
    from dashboards import landing_data

    got = landing_data.per_page(pd.DataFrame(PAGES, columns=PAGE_COLUMNS)).set_index("page_id")
    assert got.loc["p1", "views"] == 16 and got.loc["p1", "sessions"] == 12
    assert got.loc["p1", "conversion"] == pytest.approx(3 / 12)
    creatives = landing_data.per_creative(pd.DataFrame(SLOTS, columns=SLOT_COLUMNS))
    assert list(creatives["ctr"]) == [pytest.approx(0.1), pytest.approx(0.1)]


def test_a_warehouse_without_the_landing_marts_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the landing-page marts existed" in " ".join(i.value for i in app.info)
