"""The Replenishment page over a hand-made published warehouse: forecast vs naive WAPE
weighted by units, stock cover, suggestions; a warehouse without the tables says so."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "pages" / "replenishment.py"
# 100 units held back at a (wape .2, naive .4), 50 at b (.5, .3):
# model (20 + 25) / 150 = 30%, naive (40 + 15) / 150 = 36.7%; 1 of 2 series beats naive
ACCURACY = [("holt_winters", "a", "main", 0.2, 0.4, 14, 100, 77),
            ("holt_winters", "b", "main", 0.5, 0.3, 14, 50, 77)]


@pytest.fixture
def replenishment_warehouse(warehouse, settings_env):  # noqa: F811
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute("create schema ml")
        conn.execute("create table ml.fct_forecast_accuracy (model varchar, sku_id varchar, "
                     "warehouse_id varchar, wape double, naive_wape double, horizon integer, "
                     "actual_units bigint, train_days integer)")
        conn.executemany("insert into ml.fct_forecast_accuracy values "
                         "(?, ?, ?, ?, ?, ?, ?, ?)", ACCURACY)
        conn.execute("create table marts.fct_stock_cover as select 'a' as sku_id, "
                     "'main' as warehouse_id, 30::bigint as on_hand, 26::bigint as sellable, "
                     "7.5::double as mean_daily_demand, 4.0::double as days_of_cover")
        conn.execute("create table ml.reorder_suggestions as select 'a' as sku_id, "
                     "'main' as location_id, 'sup-1' as supplier_id, 26::bigint as on_hand, "
                     "0::bigint as on_order, 7.5::double as mean_daily_demand, "
                     "5 as lead_time_days, 24::bigint as moq, 6.1::double as safety_stock, "
                     "43.6::double as reorder_point, 114::bigint as quantity, "
                     "4.0::double as days_of_cover")
    return warehouse


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_accuracy_cover_and_suggestions(replenishment_warehouse):
    app = _run()
    assert {m.label: m.value for m in app.metric} == {
        "Forecast WAPE": "30.0%", "Naive WAPE": "36.7%", "Series beating naive": "1 of 2"}
    assert len(app.dataframe) == 3
    assert list(app.dataframe[2].value["quantity"]) == [114]


def test_weighted_wape_by_hand():
    from dashboards import replenishment_data as rd

    frame = pd.DataFrame(ACCURACY, columns=["model", "sku_id", "warehouse_id", "wape",
                                            "naive_wape", "horizon", "actual_units",
                                            "train_days"])
    assert rd.weighted_wape(frame) == pytest.approx((45 / 150, 55 / 150))
    assert rd.weighted_wape(frame.iloc[0:0]) == (None, None)


def test_a_warehouse_without_the_tables_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the replenishment tables existed" in " ".join(i.value for i in app.info)
