from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.data import FUNNEL_STEPS as STEPS

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "dashboards" / "app.py"


def _dollars(cents: int) -> str:
    amount = Decimal(int(cents)) / 100
    return f"{'-' if amount < 0 else ''}${abs(amount):,.2f}"


def _metrics(app: AppTest) -> dict[str, object]:
    return {metric.label: metric for metric in app.metric}


def _run(script=APP) -> AppTest:
    app = AppTest.from_file(str(script), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_overview_tiles_match_the_mart_over_the_whole_range(warehouse):
    kpis, first_day = warehouse["kpis"], warehouse["first_day"]
    app = _run()
    tiles = _metrics(app)
    gmv, orders = int(kpis["gmv_cents"].sum()), int(kpis["paid_orders"].sum())
    assert tiles["GMV"].value == _dollars(gmv)
    assert tiles["Paid orders"].value == f"{orders:,}"
    assert tiles["AOV"].value == _dollars(int(Decimal(gmv) / orders + Decimal("0.5")))
    assert tiles["Buyers"].value == f"{int(kpis['buyers'].sum()):,}"
    assert tiles["Sessions"].value == f"{int(kpis['sessions'].sum()):,}"
    rate = kpis["converted_sessions"].sum() / kpis["sessions"].sum()
    assert tiles["Conversion rate"].value == f"{rate * 100:.2f}%"
    refunds = int(kpis["refunds_due"].sum())
    assert tiles["Refunds owed"].value == _dollars(kpis["refunds_due_cents"].sum())
    assert f"{refunds:,} payments in this range" in tiles["Refunds owed"].help
    # The default range is all the data, so there is no earlier period to compare with.
    assert not tiles["GMV"].delta
    assert app.sidebar.date_input[0].value == (
        first_day,
        first_day + timedelta(days=warehouse["days"] - 1),
    )


def test_date_filter_narrows_tiles_and_compares_with_previous_period(warehouse):
    kpis, first_day = warehouse["kpis"], warehouse["first_day"]
    app = _run()
    # The last 7 of 14 days: the previous period is exactly the first 7.
    start, end = first_day + timedelta(days=7), first_day + timedelta(days=13)
    app.sidebar.date_input[0].set_value((start, end)).run()
    assert not app.exception
    days = kpis["kpi_date"]
    now = kpis[(days >= start) & (days <= end)]
    before = kpis[(days >= first_day) & (days < start)]
    tiles = _metrics(app)
    assert tiles["GMV"].value == _dollars(now["gmv_cents"].sum())
    difference = int(now["gmv_cents"].sum() - before["gmv_cents"].sum())
    assert tiles["GMV"].delta == ("+" if difference > 0 else "") + _dollars(difference)
    orders = int(now["paid_orders"].sum() - before["paid_orders"].sum())
    assert tiles["Paid orders"].delta == f"{orders:+,}"
    assert tiles["Refunds owed"].value == _dollars(now["refunds_due_cents"].sum())
    owed = int(now["refunds_due_cents"].sum() - before["refunds_due_cents"].sum())
    assert tiles["Refunds owed"].delta == ("+" if owed > 0 else "") + _dollars(owed)


def test_overview_puts_money_tiles_in_a_row_of_three_then_counts_in_four(warehouse):
    app = _run()
    assert [metric.label for metric in app.metric] == [
        "GMV", "AOV", "Refunds owed", "Paid orders", "Buyers", "Sessions", "Conversion rate",
        "Net revenue", "Refunded", "Cancelled after payment",
    ]
    # A column's weight is its share of the row: 1/3 in a row of three, 1/4 in a row of four.
    widths = {
        metric.label: pytest.approx(column.weight)
        for column in app.columns
        for metric in column.children.values()
        if metric.type == "metric"
    }
    assert widths == {
        **dict.fromkeys(["GMV", "AOV", "Refunds owed"], 1 / 3),
        **dict.fromkeys(["Paid orders", "Buyers", "Sessions", "Conversion rate"], 1 / 4),
        **dict.fromkeys(["Net revenue", "Refunded", "Cancelled after payment"], 1 / 3),
    }


def test_funnel_page_shows_step_totals_and_conversion(warehouse):
    funnel = warehouse["funnel"]
    app = _run()
    app.switch_page("pages/funnel.py").run()
    assert not app.exception, [e.value for e in app.exception]
    totals = funnel.groupby("step")["sessions"].sum()
    shown = {metric.label: metric for metric in app.metric}
    for previous, step in zip([None, *STEPS], STEPS, strict=False):
        tile = shown[step.replace("_", " ").capitalize()]
        assert tile.value == f"{int(totals[step]):,}"
        if previous is not None:
            assert tile.delta == f"{100 * totals[step] / totals[previous]:.2f}%"
    table = app.dataframe[0].value
    assert table["step"].tolist() == list(STEPS)
    assert table["sessions"].tolist() == [int(totals[step]) for step in STEPS]


@pytest.mark.parametrize("page", ["overview.py", "funnel.py"])
def test_each_page_runs_on_its_own(warehouse, page):
    app = _run(REPO_ROOT / "dashboards" / "pages" / page)
    assert len(app.metric) >= 5


def test_missing_warehouse_shows_how_to_build_it(settings_env):
    assert not settings_env.published_warehouse_path.exists()
    app = _run()
    assert "flywheel pipeline run" in app.info[0].value
    assert not app.metric


def test_warehouse_without_marts_is_not_a_traceback(settings_env):
    duckdb.connect(str(settings_env.published_warehouse_path)).close()
    app = _run()
    assert "flywheel pipeline run" in app.info[0].value


def test_dashboards_never_write_the_warehouse(warehouse, settings_env):
    path = settings_env.published_warehouse_path
    stamp = path.stat().st_mtime_ns
    _run()
    assert path.stat().st_mtime_ns == stamp
    assert not settings_env.resolved_warehouse_path.exists()


def test_sidebar_says_when_the_data_was_published(warehouse, settings_env):
    import os
    from datetime import UTC, datetime

    published = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    os.utime(settings_env.published_warehouse_path, (published.timestamp(),) * 2)
    captions = [c.value for c in _run().sidebar.caption]
    assert any("2026-03-04 05:06 UTC" in c for c in captions), captions
