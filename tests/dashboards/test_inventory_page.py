"""The Stock & search page over a small hand-made warehouse (tests/dashboards/conftest.py)."""

from datetime import timedelta
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import DAYS, FIRST_DAY, SEARCH_ROWS

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "dashboards" / "app.py"
PAGE = "pages/inventory.py"
LAST_DAY = FIRST_DAY + timedelta(days=DAYS - 1)


def _open(script=APP, page: str | None = PAGE) -> AppTest:
    app = AppTest.from_file(str(script), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    if page:
        app.switch_page(page).run()
        assert not app.exception, [e.value for e in app.exception]
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _tables(app: AppTest) -> list:
    return [frame.value for frame in app.dataframe]


def _charts(app: AppTest) -> list[dict]:
    return [chart.proto.spec for chart in app.get("vega_lite_chart")]


def test_stock_positions_of_the_latest_day_alerts_and_search_totals(stock_warehouse):
    app = _open()
    tiles = _metrics(app)
    # Last day (offset 13): s1 has 20 - 13 = 7 on hand, 13 % 3 = 1 reserved; s2 5 and 1.
    assert tiles["SKU locations"] == "2"
    assert tiles["On hand"] == "12"
    assert tiles["Reserved"] == "2"
    assert tiles["Low now"] == "1"  # only s2 at the north store is still low
    # Every search of the fortnight, the filter-only one included: 5 + 3 + 1 + 2 + 4.
    assert tiles["Searches"] == "15"
    assert tiles["Zero-result searches"] == "4"  # kettle 3, spoon 1
    assert tiles["Zero-result rate"] == f"{100 * 4 / 15:.2f}%"

    positions, alerts, zero_results = _tables(app)
    assert positions["sku_code"].tolist() == ["S2", "S1"]  # lowest sellable first: 4, 6
    assert positions["on_hand"].tolist() == [5, 7]
    assert positions["warehouse_name"].tolist() == ["North store", "Main warehouse"]
    # The latest alert per SKU and location, the one still low first; a-old is superseded.
    assert alerts["sku_code"].tolist() == ["S2", "S1"]
    assert alerts["is_still_low"].tolist() == [True, False]
    assert zero_results["search_query"].tolist() == ["kettle", "spoon"]
    assert zero_results["zero_result_searches"].tolist() == [3, 1]


def test_charts_show_hot_searches_and_the_chosen_skus_trend(stock_warehouse):
    app = _open()
    # The still-low SKU comes first, so its trend is what opens.
    select = app.selectbox(key="stock_trend_sku")
    assert select.options == ["Teapot · S2", "Mug · S1"]
    assert select.value == "Teapot · S2"
    assert len(_charts(app)) == 3  # trend, hot searches, zero-result searches
    hot = app.get("vega_lite_chart")[1]
    assert "mug" in hot.proto.spec and "kettle" in hot.proto.spec

    select.set_value("Mug · S1").run()
    assert not app.exception
    assert app.selectbox(key="stock_trend_sku").value == "Mug · S1"


def test_date_filter_moves_the_stock_day_and_the_searches(stock_warehouse):
    app = AppTest.from_file(str(APP), default_timeout=60)
    # The sidebar's range, as if chosen on an earlier page: up to day 3.
    app.session_state["date_range"] = (FIRST_DAY, FIRST_DAY + timedelta(days=3))
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    # Up to day 3: s2 is not stocked yet; s1 has 20 - 3 = 17 on hand, 0 reserved.
    tiles = _metrics(app)
    assert (tiles["SKU locations"], tiles["On hand"], tiles["Reserved"]) == ("1", "17", "0")
    expected = sum(n for offset, _, n, _, _ in SEARCH_ROWS if offset <= 3)
    assert tiles["Searches"] == str(expected) == "8"
    assert any(
        f"end of {FIRST_DAY + timedelta(days=3):%Y-%m-%d}" in h.value for h in app.subheader
    )


def test_page_runs_on_its_own(stock_warehouse):
    app = _open(REPO_ROOT / "dashboards" / "pages" / "inventory.py", page=None)
    assert len(app.metric) == 7


def test_empty_stock_and_search_marts_say_so(empty_stock_warehouse):
    app = _open()
    infos = " ".join(i.value for i in app.info)
    assert "No stock positions" in infos
    assert "No low-stock alert" in infos
    assert "No searches in this date range" in infos
    assert not app.metric and not app.dataframe


def test_warehouse_from_before_these_marts_asks_for_a_pipeline_run(warehouse):
    app = _open()
    assert "flywheel pipeline run" in app.info[0].value
    assert not app.metric


def test_empty_warehouse_is_not_a_traceback(settings_env):
    path = settings_env.published_warehouse_path
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.fct_daily_kpis (kpi_date date)")
        conn.execute("create table marts.fct_funnel_daily (session_date date)")
        conn.execute("create table marts.fct_daily_stock_positions (position_date date)")
        conn.execute("create table marts.fct_daily_searches (search_date date)")
    app = _open(page=None)
    assert "no KPI, funnel, stock or search rows" in app.info[0].value


def test_the_sidebar_range_reaches_the_last_stock_or_search_day(stock_warehouse, settings_env):
    later = LAST_DAY + timedelta(days=2)  # a search after the last KPI day
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute("insert into marts.fct_daily_searches values (?, 'mug', 'server', 1, 0, 1)",
                     [later])
    app = _open(page=None)
    assert app.sidebar.date_input[0].value == (FIRST_DAY, later)
