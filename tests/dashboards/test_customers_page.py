"""The Customers page over a hand-made published warehouse (marts of _customers.yml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboards import customers_data as cd
from dashboards.components import DATE_RANGE_KEY

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "customers.py"
CUSTOMERS_YAML = REPO_ROOT / "dbt_project/models/marts/customers/_customers.yml"
AS_OF = date(2025, 3, 14)
# user, first paid day, R, FM, segment, historical cents, predicted cents (None: no fit)
CUSTOMERS = [
    ("u1", date(2025, 3, 1), 5, 4, "champions", 10000, 5000),
    ("u2", date(2025, 3, 2), 5, 1, "new", 2000, 1000),
    ("u3", date(2025, 3, 10), 1, 1, "lost", 500, None),
    ("u4", date(2025, 3, 12), 4, 4, "champions", 30000, 20000),
]


def _ddl(model: str) -> str:
    doc = yaml.safe_load(CUSTOMERS_YAML.read_text(encoding="utf-8"))
    spec = next(m for m in doc["models"] if m["name"] == model)
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


def _frames() -> dict[str, pd.DataFrame]:
    rfm = pd.DataFrame([
        {"user_id": u, "as_of_date": AS_OF, "first_paid_date": first, "last_paid_date": first,
         "recency_days": 0, "frequency": 1, "monetary_cents": hist, "r_score": r,
         "f_score": fm, "m_score": fm, "fm_score": fm, "rfm_segment": seg,
         "rfm_segment_name": cd.SEGMENTS[seg]}
        for u, first, r, fm, seg, hist, _ in CUSTOMERS])
    value = pd.DataFrame([
        {"user_id": u, "as_of_date": AS_OF, "first_paid_date": first, "last_paid_date": first,
         "paid_orders": 1, "purchase_days": 1, "gmv_cents": hist, "given_back_cents": 0,
         "historical_clv_cents": hist, "p_alive": None if pred is None else 0.5,
         "expected_purchases_12m": None, "expected_spend_cents": None,
         "predicted_clv_12m_cents": pred, "clv_model_status": "fitted"}
        for u, first, _, _, _, hist, pred in CUSTOMERS])
    cohorts = pd.DataFrame([
        {"cohort_month": date(2025, 3, 1), "months_since_first_order": 0,
         "activity_month": date(2025, 3, 1), "cohort_customers": 4, "active_customers": 4,
         "retention_rate": 1.0}])
    # February's cohort lies before the data's first day (Mar 1): never counted here
    repurchase = pd.DataFrame([
        {"cohort_month": date(2025, 2, 1), "first_time_buyers": 10, "eligible_buyers": 10,
         "repurchased_within_90d": 10, "repurchased_so_far": 10, "repurchase_rate_90d": 1.0},
        {"cohort_month": date(2025, 3, 1), "first_time_buyers": 4, "eligible_buyers": 3,
         "repurchased_within_90d": 1, "repurchased_so_far": 2, "repurchase_rate_90d": 1 / 3}])
    fit = pd.DataFrame([{"as_of_date": AS_OF, "fit_status": "fitted", "customers": 4,
                         "repeat_customers": 2, "bgnbd_r": 0.25, "bgnbd_alpha": 4.0,
                         "bgnbd_a": 0.8, "bgnbd_b": 2.5, "bgnbd_log_likelihood": -10.0,
                         "gamma_gamma_customers": 2, "gamma_gamma_p": 6.0,
                         "gamma_gamma_q": 3.7, "gamma_gamma_gamma": 15.0,
                         "gamma_gamma_log_likelihood": -5.0}])
    return {"fct_customer_rfm": rfm, "fct_customer_lifetime_value": value,
            "fct_customer_cohorts": cohorts, "fct_customer_repurchase": repurchase,
            "fct_customer_clv_fit": fit}


@pytest.fixture
def customers_warehouse(warehouse, settings_env):
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        for table, frame in _frames().items():  # noqa: B007 (frame is read by DuckDB)
            conn.execute(f"create table marts.{table} ({_ddl(table)})")
            conn.execute(f"insert into marts.{table} by name select * from frame")
    return warehouse


def _chart_data(chart) -> pd.DataFrame:
    (dataset,) = chart.proto.datasets
    return pa.ipc.open_stream(dataset.data.data).read_pandas()


def _run(date_range: tuple[date, date] | None = None) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    if date_range:
        app.session_state[DATE_RANGE_KEY] = date_range
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_grid_segments_cohorts_and_downloads(customers_warehouse):
    app = _run()
    tiles = {m.label: m.value for m in app.metric}
    # historical (10000 + 2000 + 500 + 30000) / 4 = 10625; predicted over the three with a
    # prediction (5000 + 1000 + 20000) / 3 = 8666.67 -> 8667; repurchase: March only, 1 / 3
    assert tiles == {"Customers": "4", "Avg. historical CLV": "$106.25",
                     "Avg. 12-month CLV": "$86.67", "90-day repurchase": "33.33%"}
    charts = app.get("vega_lite_chart")
    grid = _chart_data(charts[0])
    assert len(grid) == 25  # every R x FM cell, empty ones at 0
    counts = {(r, fm): n for r, fm, n in grid[["r_score", "fm_score", "customers"]].values}
    assert {k: v for k, v in counts.items() if v} == {(5, 4): 1, (5, 1): 1, (1, 1): 1,
                                                     (4, 4): 1}
    segments = _chart_data(charts[1]).set_index("rfm_segment")["customers"]
    assert len(segments) == 11
    assert (segments["champions"], segments["new"], segments["lost"], segments["loyal"]) == (
        2, 1, 1, 0)
    assert len(charts) == 5  # grid, segments, cohorts, repurchase, value distribution
    assert len(app.get("download_button")) == 5


def test_the_date_range_selects_customers_by_first_order(customers_warehouse):
    app = _run((date(2025, 3, 5), date(2025, 3, 14)))
    tiles = {m.label: m.value for m in app.metric}
    # u3 and u4 first paid in the range: (500 + 30000) / 2 = 15250; only u4 is predicted
    assert tiles["Customers"] == "2"
    assert tiles["Avg. historical CLV"] == "$152.50"
    assert tiles["Avg. 12-month CLV"] == "$200.00"


def test_a_warehouse_without_the_customer_marts_says_so(warehouse):
    app = _run()
    assert "before the customer marts existed" in " ".join(i.value for i in app.info)


def test_value_histogram_puts_the_top_percent_in_the_last_bin():
    # 100 customers worth $1..$100: the 99th percentile is 99.01, so 10 bins of 9.901 from 0;
    # $100 lies past the last edge and is counted in the last bin with $90..$99.
    frame = pd.DataFrame({"historical_clv_cents": [d * 100 for d in range(1, 101)],
                          "predicted_clv_12m_cents": [None] * 100})
    bins = cd.value_histogram(frame, bins=10)
    historical = bins[bins["measure"].str.startswith("Historical")]
    assert historical["customers"].tolist() == [9, 10, 10, 10, 10, 10, 10, 10, 10, 11]
    assert historical["customers"].sum() == 100
    assert bins[bins["measure"].str.startswith("Predicted")]["customers"].sum() == 0
