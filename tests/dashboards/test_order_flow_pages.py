"""The Orders & fulfilment, Payments and After-sales pages, and GMV versus net revenue on the
overview, over a small hand-made warehouse (tests/dashboards/conftest.py)."""

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import CHANNEL_ROWS, FIRST_DAY

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "dashboards" / "app.py"
PAGES = {"orders": "pages/orders.py", "payments": "pages/payments.py",
         "after_sales": "pages/after_sales.py"}


def _open(page: str | None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    if page:
        app.switch_page(PAGES[page]).run()
        assert not app.exception, [e.value for e in app.exception]
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _charts(app: AppTest) -> list[str]:
    return [chart.proto.spec for chart in app.get("vega_lite_chart")]


def _dollars(cents: int) -> str:
    amount = Decimal(int(cents)) / 100
    return f"{'-' if amount < 0 else ''}${abs(amount):,.2f}"


def test_orders_page_tiles_charts_and_interceptions(order_flow_warehouse):
    app = _open("orders")
    assert _metrics(app) == {
        "Sub-orders placed": "6",
        "Shipped": "3",
        "Median time to ship": "12.0 h",  # 6, 24, 12
        "Median time to deliver": "18.0 h",  # 24 and 12; so3 is still on its way
        "Held by operators": "1",
    }
    charts = _charts(app)
    # status, by carrier, by region, shipped per day
    assert len(charts) == 4
    assert "awaiting_payment" in charts[0] and "cancelled" in charts[0]
    assert "express" in charts[1] and "post" in charts[1]
    assert '"SC"' in charts[2] and '"RS"' in charts[2]
    (table,) = [frame.value for frame in app.dataframe]
    assert table["sub_order_id"].tolist() == ["so5", "so4"]  # the held one first
    assert table["total"].tolist() == ["$10.00", "$10.00"]


def test_payments_page_channels_refunds_and_reconciliation(order_flow_warehouse):
    app = _open("payments")
    tiles = _metrics(app)
    started = sum(row[2] for row in CHANNEL_ROWS)
    assert tiles["Attempts"] == f"{started}" == "6"
    assert tiles["Success rate"] == f"{100 * 4 / 6:.2f}%"  # 4 paid, 2 failed
    assert tiles["Captured"] == _dollars(8000 + 1200 + 3300)
    assert tiles["Refunded"] == _dollars(3300 + 500)
    assert tiles["Owed back"] == _dollars(800)
    assert tiles["Mismatches"] == "3"
    channels, mismatches = (frame.value for frame in app.dataframe)
    card = channels.set_index("channel").loc["card"]
    assert (card["payments_started"], card["payments_succeeded"], card["payments_failed"]) == (
        5, 3, 2)
    assert card["success_pct"] == pytest.approx(60.0)
    # over the payments themselves: 2, 4, 10 minutes -> median 4, p90 4 + 0.8 * 6
    assert (card["median_minutes"], card["p90_minutes"]) == (4.0, pytest.approx(8.8))
    assert mismatches["channel"].tolist() == ["bank_transfer", "card"]  # latest day first
    assert mismatches["difference"].tolist() == ["$30.00", "$1.00"]
    # success by channel, minutes to pay, daily success, refunds by reason, mismatches
    assert len(_charts(app)) == 5


def test_after_sales_page_rate_reasons_and_time_to_resolve(order_flow_warehouse):
    app = _open("after_sales")
    paid = int(order_flow_warehouse["kpis"]["paid_orders"].sum())
    assert _metrics(app) == {
        "Requests": "3",
        "Per paid order": f"{100 * 3 / paid:.2f}%",
        "Open": "1",
        "Median time to resolve": "13.0 h",  # 24 and 2
        "Refunded": "$5.00",
    }
    charts = _charts(app)
    assert len(charts) == 3  # reasons, time to resolve by type, outcomes
    assert "Damaged" in charts[0] and "No longer needed" in charts[0]
    (open_requests,) = [frame.value for frame in app.dataframe]
    assert open_requests["request_id"].tolist() == ["a3"]


def test_date_filter_narrows_the_order_flow_pages(order_flow_warehouse):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["date_range"] = (FIRST_DAY, FIRST_DAY)  # only the first day
    app.run()
    app.switch_page(PAGES["payments"]).run()
    assert not app.exception, [e.value for e in app.exception]
    tiles = _metrics(app)
    assert tiles["Attempts"] == "4"  # card 3 and wallet 1 on day 0
    assert tiles["Refunded"] == _dollars(3300)
    app.switch_page(PAGES["orders"]).run()
    assert _metrics(app)["Sub-orders placed"] == "1"


def test_overview_shows_gmv_versus_net_revenue(order_flow_warehouse):
    kpis = order_flow_warehouse["kpis"]
    app = _open(None)
    tiles = _metrics(app)
    net = int(kpis["gmv_cents"].sum() - kpis["refunded_cents"].sum()
              - kpis["cancelled_after_payment_cents"].sum())
    assert net == int(kpis["net_revenue_cents"].sum())
    assert tiles["Net revenue"] == _dollars(net)
    assert tiles["Refunded"] == _dollars(kpis["refunded_cents"].sum())
    assert tiles["Cancelled after payment"] == _dollars(
        kpis["cancelled_after_payment_cents"].sum())
    assert any('"Net revenue"' in spec and '"GMV"' in spec for spec in _charts(app))


@pytest.mark.parametrize("page", ["orders", "payments", "after_sales"])
def test_empty_marts_say_so(empty_order_flow_warehouse, page):
    app = _open(page)
    assert app.info, "an empty mart must say so"
    assert not app.exception


@pytest.mark.parametrize("page", ["orders", "payments", "after_sales"])
def test_warehouse_from_before_these_marts_asks_for_a_pipeline_run(warehouse, page):
    app = _open(page)
    assert "flywheel pipeline run" in app.info[0].value
    assert not app.metric


def test_overview_of_a_warehouse_without_net_revenue_keeps_its_tiles(settings_env):
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute("create schema marts")
        conn.execute(
            "create table marts.fct_daily_kpis as select date '2025-03-01' as kpi_date, "
            "100::bigint as gmv_cents, 1::bigint as paid_orders, 100::bigint as aov_cents, "
            "1::bigint as buyers, 2::bigint as sessions, 1::bigint as converted_sessions, "
            "0.5::double as conversion_rate, 0::bigint as refunds_due, "
            "0::bigint as refunds_due_cents")
        conn.execute("create table marts.fct_funnel_daily (session_date date, "
                     "step_order integer, step varchar, sessions bigint)")
    app = _open(None)
    assert _metrics(app)["GMV"] == "$1.00"
    assert "flywheel pipeline run" in app.info[0].value
    assert "Net revenue" not in _metrics(app)


@pytest.mark.parametrize("page", sorted(PAGES.values()))
def test_each_page_runs_on_its_own(order_flow_warehouse, page):
    app = AppTest.from_file(str(REPO_ROOT / "dashboards" / page), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.metric) >= 5

