"""The anomaly scores of fct_metric_anomalies on a hand-built series, and the daily health
metrics it scores on the shop story.

The series: six weeks of days from Monday 2025-01-06, flat except where a case is planted.
Only fct_metric_anomalies is built, on top of a hand-made marts.fct_daily_health_metrics,
with the vars set here (4 weeks of history, 3 points at least, threshold 3).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
FIRST_MONDAY = date(2025, 1, 6)
WEEKS = 6
VARS = {"anomaly_history_weeks": 4, "anomaly_min_history_points": 3, "anomaly_z_threshold": 3}

# Planted series, one value per week (weeks 0..5) on one weekday; every other day is flat.
MONDAY_GMV = [1_000_000, 10_000, 12_000, 8_000, 10_000, 20_000]
TUESDAY_PAID = [10, 10, 12, 10, 12, 2]
SATURDAY_CONVERTED = [9, 11, 10, 10, 9, 10]  # of 100 sessions; weekdays convert 2 of 100
MONDAY_FAILURES = [1, 2, 60, 2, 1, 2]


def _day(week: int, weekday: int) -> date:
    return FIRST_MONDAY + timedelta(days=7 * week + weekday)


def _series() -> pd.DataFrame:
    rows = []
    for offset in range(7 * WEEKS):
        week, weekday = divmod(offset, 7)
        converted = SATURDAY_CONVERTED[week] if weekday == 5 else 2
        rows.append({
            "metric_date": FIRST_MONDAY + timedelta(days=offset),
            "gmv_cents": MONDAY_GMV[week] if weekday == 0 else 50_000,
            "paid_orders": TUESDAY_PAID[week] if weekday == 1 else 10,
            "sessions": 100,
            "converted_sessions": converted,
            "conversion_rate": converted / 100,
            "payment_attempts": 20,
            "payment_failures": MONDAY_FAILURES[week] if weekday == 0 else 3,
        })
    return pd.DataFrame(rows)


def _dbt(work: Path, warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FLYWHEEL_WAREHOUSE_PATH": str(warehouse),
           "DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [str(dbt), *args, "--profiles-dir", str(DBT_PROJECT), "--project-dir", str(DBT_PROJECT)],
        cwd=DBT_PROJECT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def anomalies(tmp_path_factory) -> dict[tuple[date, str], dict]:
    work = tmp_path_factory.mktemp("anomalies")
    warehouse = work / "flywheel.duckdb"
    series = _series()  # noqa: F841 (read by DuckDB by name)
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema marts")
        conn.execute("""
            create table marts.fct_daily_health_metrics (
                metric_date date, gmv_cents bigint, paid_orders bigint, sessions bigint,
                converted_sessions bigint, conversion_rate double, payment_attempts bigint,
                payment_failures bigint)""")
        conn.execute("insert into marts.fct_daily_health_metrics select * from series")
    # build = run + the model's tests (unique key, accepted values, contract)
    result = _dbt(work, warehouse, "build", "--select", "fct_metric_anomalies",
                  "--vars", json.dumps(VARS))
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        frame = conn.execute("select * from marts.fct_metric_anomalies").df()
    return {(row["metric_date"].date(), row["metric_name"]): row
            for row in frame.to_dict("records")}


def test_a_monday_far_above_the_mondays_before_it_is_flagged(anomalies):
    row = anomalies[(_day(5, 0), "gmv_cents")]
    # history = Mondays of weeks 1..4 (4 weeks back; week 0's 1,000,000 has fallen out):
    # 10000, 12000, 8000, 10000 -> mean 10000; deviations 0, 2000, -2000, 0 ->
    # sample variance (0 + 4e6 + 4e6 + 0) / 3 = 2.6667e6 -> stddev 1632.993
    # z = (20000 - 10000) / 1632.993 = 6.1237; band 10000 -/+ 3 * 1632.993
    assert row["history_points"] == 4
    assert row["history_mean"] == pytest.approx(10_000)
    assert row["history_stddev"] == pytest.approx(1632.993, abs=1e-3)
    assert row["z_score"] == pytest.approx(6.1237, abs=1e-4)
    assert row["lower_bound"] == pytest.approx(5101.021, abs=1e-3)
    assert row["upper_bound"] == pytest.approx(14898.979, abs=1e-3)
    assert (row["is_anomaly"], row["direction"]) == (True, "above")


def test_a_tuesday_far_below_its_tuesdays_is_flagged(anomalies):
    row = anomalies[(_day(5, 1), "paid_orders")]
    # history 10, 12, 10, 12 -> mean 11, variance (1+1+1+1)/3 = 1.3333, stddev 1.1547
    # z = (2 - 11) / 1.1547 = -7.7942
    assert row["history_mean"] == pytest.approx(11)
    assert row["history_stddev"] == pytest.approx(1.1547, abs=1e-4)
    assert row["z_score"] == pytest.approx(-7.7942, abs=1e-4)
    assert (row["is_anomaly"], row["direction"]) == (True, "below")


def test_history_outside_the_window_still_sways_earlier_weeks(anomalies):
    # week 4's Monday (10000) sees weeks 0..3: 1e6, 10000, 12000, 8000 -> mean 257500,
    # deviations 742500, -247500, -245500, -249500 -> variance (5.5131e11 + 6.1256e10 +
    # 6.0270e10 + 6.2250e10) / 3 = 2.4503e11 -> stddev 495,003; z = -247500 / 495003 = -0.50
    row = anomalies[(_day(4, 0), "gmv_cents")]
    assert row["history_mean"] == pytest.approx(257_500)
    assert row["z_score"] == pytest.approx(-0.50, abs=0.01)
    assert not row["is_anomaly"]


def test_a_saturday_is_judged_against_saturdays_only(anomalies):
    # Saturdays convert 5x a weekday's 0.02, and that is their normal: week 5's 0.10 against
    # 0.11, 0.10, 0.10, 0.09 (mean 0.10, stddev 0.008165) scores z = 0.
    row = anomalies[(_day(5, 5), "conversion_rate")]
    assert row["history_mean"] == pytest.approx(0.10)
    assert row["history_stddev"] == pytest.approx(0.008165, abs=1e-6)
    assert row["z_score"] == pytest.approx(0.0, abs=1e-9)
    assert not row["is_anomaly"]


def test_too_little_history_is_never_flagged(anomalies):
    # week 2's Monday: 60 failures against only two Mondays (1, 2): below 3 history points
    row = anomalies[(_day(2, 0), "payment_failures")]
    assert row["history_points"] == 2
    assert row["z_score"] is None or pd.isna(row["z_score"])
    assert pd.isna(row["lower_bound"]) and pd.isna(row["upper_bound"])
    assert not row["is_anomaly"]
    # the first week has no history at all
    assert anomalies[(_day(0, 3), "gmv_cents")]["history_points"] == 0


def test_a_flat_history_has_no_score(anomalies):
    # every Wednesday's GMV is 50000: stddev 0, no z (elementary scores it 0), band = mean
    row = anomalies[(_day(5, 2), "gmv_cents")]
    assert (row["history_points"], row["history_stddev"]) == (4, 0)
    assert pd.isna(row["z_score"]) and not row["is_anomaly"]
    assert row["lower_bound"] == row["upper_bound"] == 50_000


def test_only_the_two_planted_days_are_flagged(anomalies):
    assert len(anomalies) == 4 * 7 * WEEKS  # every day has all four metrics
    flagged = {key for key, row in anomalies.items() if row["is_anomaly"]}
    assert flagged == {(_day(5, 0), "gmv_cents"), (_day(5, 1), "paid_orders")}


def test_daily_metrics_on_the_shop_story(story_warehouse):
    rows = story_warehouse.execute(
        "select metric_date, gmv_cents, paid_orders, converted_sessions, payment_failures "
        "from marts.fct_daily_health_metrics order by metric_date").fetchall()
    # story: o1 (5000) and o2 (3000) paid on 2025-03-03, o5 (2500) on 03-04; 03-05 has only
    # a refund falling due, so it is a day of GMV 0, not a missing day. Only o1's session
    # reached order_paid; no payment failed.
    assert rows == [
        (date(2025, 3, 3), 8_000, 2, 1, 0),
        (date(2025, 3, 4), 2_500, 1, 0, 0),
        (date(2025, 3, 5), 0, 0, 0, 0),
    ]
