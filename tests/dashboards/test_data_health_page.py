"""The Data health page over a hand-made warehouse, dbt results file and Dagster storage."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboards import health_data
from tests.dashboards.conftest import FIRST_DAY

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "dashboards" / "app.py"
HEALTH_YAML = REPO_ROOT / "dbt_project/models/marts/health/_health.yml"
FLAGGED_DAY = FIRST_DAY + timedelta(days=10)


def _ddl(model: str) -> str:
    doc = yaml.safe_load(HEALTH_YAML.read_text(encoding="utf-8"))
    spec = next(m for m in doc["models"] if m["name"] == model)
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


def _anomalies() -> pd.DataFrame:
    """GMV and paid orders for the conftest's 14 days; GMV on day 10 far above its band."""
    rows = []
    for offset in range(14):
        day = FIRST_DAY + timedelta(days=offset)
        has_history = offset >= 7
        for metric, value, mean, sd in (("gmv_cents", 10_000.0, 10_000.0, 500.0),
                                        ("paid_orders", 10.0, 10.0, 1.0)):
            if metric == "gmv_cents" and day == FLAGGED_DAY:
                value = 20_000.0  # z = (20000 - 10000) / 500 = 20
            z = (value - mean) / sd if has_history else None
            rows.append({
                "metric_date": day, "metric_name": metric, "metric_value": value,
                "history_points": offset // 7, "history_mean": mean if has_history else None,
                "history_stddev": sd if has_history else None, "z_score": z,
                "lower_bound": mean - 3 * sd if has_history else None,
                "upper_bound": mean + 3 * sd if has_history else None,
                "direction": "above" if z is not None and z > 3 else None,
                "is_complete_day": True, "is_anomaly": z is not None and z > 3})
    return pd.DataFrame(rows)


def _dagster_home(home: Path) -> None:
    (home / "history" / "runs").mkdir(parents=True)
    with sqlite3.connect(home / "history" / "runs.db") as conn:
        conn.execute("create table runs (run_id text, pipeline_name text, status text, "
                     "start_time float, end_time float, create_timestamp datetime)")
        start = datetime(2025, 3, 15, 9, 0).timestamp()
        conn.executemany("insert into runs values (?, ?, ?, ?, ?, ?)", [
            ("aaaaaaaa-1", "flywheel_job", "SUCCESS", start, start + 17.5, "2025-03-15 09:00"),
            ("bbbbbbbb-2", "flywheel_job", "FAILURE", start + 3600, start + 3604,
             "2025-03-15 10:00"),
        ])
    with sqlite3.connect(home / "history" / "runs" / "index.db") as conn:
        conn.execute("create table asset_keys (asset_key text, "
                     "last_materialization_timestamp timestamp)")
        conn.execute("insert into asset_keys values ('[\"oltp\", \"orders\"]', "
                     "'2025-03-15 09:00:02')")


def _run_results(target: Path) -> None:
    (target / "flywheel_dbt_assets-1").mkdir(parents=True)
    results = [
        ("model.flywheel.fct_orders", "success", 1.5, None),
        ("model.flywheel.fct_sessions", "success", 4.0, None),
        ("test.flywheel.unique_fct_orders_order_id.1a", "pass", 0.1, 0),
        ("test.flywheel.not_null_fct_orders_user_id.2b", "pass", 0.1, 0),
        ("test.flywheel.accepted_values_fct_orders_status.3c", "fail", 0.2, 2),
    ]
    doc = {"metadata": {"generated_at": "2025-03-15T09:00:10Z"},
           "results": [{"unique_id": u, "status": s, "execution_time": t, "failures": f,
                        "message": "Got 2 results" if s == "fail" else None}
                       for u, s, t, f in results]}
    (target / "flywheel_dbt_assets-1" / "run_results.json").write_text(json.dumps(doc))


@pytest.fixture
def health_files(tmp_path, monkeypatch):
    target, home = tmp_path / "dbt-target", tmp_path / "dagster"
    _run_results(target)
    _dagster_home(home)
    monkeypatch.setattr(health_data, "DBT_TARGET_DIR", target)
    monkeypatch.setenv("DAGSTER_HOME", str(home))


@pytest.fixture
def health_warehouse(warehouse, settings_env, health_files):
    frame = _anomalies()  # noqa: F841 (read by DuckDB by name)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_metric_anomalies ({_ddl('fct_metric_anomalies')})")
        conn.execute("insert into marts.fct_metric_anomalies by name select * from frame")
        conn.execute(f"create table marts.fct_alerts ({_ddl('fct_alerts')})")
        # one alert on the flagged day (acknowledged), one after the range (not shown)
        conn.execute("""
            insert into marts.fct_alerts (alert_id, alert_kind, alert_source, metric_name,
                message, raised_at, raised_date, is_acknowledged, acknowledged_at) values
            ('a1', 'metric_anomaly', 'warehouse', 'gmv_cents', 'gmv_cents high',
             ?, ?, true, ?),
            ('a2', 'payment_failure_spike', 'stream', 'payment_failure_rate', 'spike',
             ?, ?, false, null)""",
            [datetime.combine(FLAGGED_DAY, datetime.min.time()) + timedelta(hours=6),
             FLAGGED_DAY, datetime.combine(FLAGGED_DAY, datetime.min.time())
             + timedelta(hours=7), datetime(2025, 4, 1, 9), date(2025, 4, 1)])
        conn.execute("create schema raw")
        conn.execute("create table raw.events (event_id varchar, event_type varchar, "
                     "occurred_at timestamp, _ingested_at timestamp)")
        conn.execute("insert into raw.events values "
                     "('e1', 'page_view', '2025-03-14 10:00', '2025-03-15 08:00'), "
                     "('e2', 'page_view', '2025-03-14 11:00', '2025-03-15 09:00'), "
                     "('e3', 'order_paid', '2025-03-13 12:00', '2025-03-15 09:00')")
        conn.execute("create schema oltp")
        conn.execute("create table oltp.orders (id varchar, created_at timestamp, "
                     "updated_at timestamp)")
        conn.execute("insert into oltp.orders values ('o1', '2025-03-14 10:00', "
                     "'2025-03-14 12:00'), ('o2', '2025-03-13 10:00', '2025-03-13 10:30')")
        conn.execute("create table oltp.brands (id varchar, name varchar)")
    return warehouse


def _chart_data(chart) -> pd.DataFrame:
    """The rows a chart draws (Streamlit ships them as Arrow beside the spec)."""
    (dataset,) = chart.proto.datasets
    return pa.ipc.open_stream(dataset.data.data).read_pandas()


def _open() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    app.switch_page("pages/data_health.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_health_page_shows_bands_freshness_checks_and_runs(health_warehouse):
    app = _open()
    tiles = {m.label: m.value for m in app.metric}
    assert tiles == {"Anomalies in range": "1", "Tests passed": "2 of 3",
                     "Tests failing": "1", "Tests warning": "0", "Models built": "2 of 2"}
    # GMV and paid orders bands, alerts per day, slowest models, pipeline runs; the
    # conversion rate and payment failures have no rows in this warehouse
    specs = [c.proto.spec for c in app.get("vega_lite_chart")]
    assert len(specs) == 5
    gmv = _chart_data(app.get("vega_lite_chart")[0])
    day10 = gmv[gmv["metric_date"] == pd.Timestamp(FLAGGED_DAY)].iloc[0]
    # shown in dollars: 20000 cents -> 200.00, band 10000 -/+ 3 * 500 cents -> 85.00..115.00
    assert (day10["value"], day10["lower_bound"], day10["upper_bound"]) == (200, 85, 115)
    assert '"title": "GMV (USD)"' in specs[0]
    assert len(app.get("download_button")) == 5
    flagged, alerts, events, tables, failing, runs = (frame.value for frame in app.dataframe)
    assert alerts["message"].tolist() == ["gmv_cents high"]  # the April spike is out of range
    assert _chart_data(app.get("vega_lite_chart")[2])["alerts"].tolist() == [1]
    assert flagged[["metric_date", "metric_name", "z_score"]].values.tolist() == [
        [pd.Timestamp(FLAGGED_DAY), "gmv_cents", 20.0]]
    by_type = events.set_index("event_type")
    assert by_type.loc["page_view", "events"] == 2 and by_type.loc["order_paid", "events"] == 1
    assert by_type.loc["page_view", "latest_event_at"] == pd.Timestamp("2025-03-14 11:00")
    orders = tables.set_index("table_name").loc["orders"]
    assert orders["rows"] == 2
    assert orders["latest_change_at"] == pd.Timestamp("2025-03-14 12:00")  # an update
    assert orders["snapshot_at"] == pd.Timestamp("2025-03-15 09:00:02", tz="UTC")
    assert pd.isna(tables.set_index("table_name").loc["brands", "latest_change_at"])
    assert failing["name"].tolist() == ["accepted_values_fct_orders_status"]
    assert runs["status"].tolist() == ["FAILURE", "SUCCESS"]  # newest first
    assert runs["duration_s"].tolist() == [4.0, 17.5]


def test_health_page_without_any_health_source_says_so(warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(health_data, "DBT_TARGET_DIR", tmp_path / "no-target")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "no-dagster"))
    app = _open()
    notes = " ".join(i.value for i in app.info)
    assert "before the anomaly marts existed" in notes
    assert "No raw events" in notes and "No OLTP snapshot" in notes
    assert "No dbt results yet" in notes and "No pipeline runs" in notes


def test_run_results_pick_the_newest_file(tmp_path):
    old, new = tmp_path / "a", tmp_path / "b"
    for folder, status in ((old, "fail"), (new, "pass")):
        folder.mkdir()
        (folder / "run_results.json").write_text(json.dumps({"results": [
            {"unique_id": "test.flywheel.t.1", "status": status}]}))
    os.utime(old / "run_results.json", (1, 1))
    _, frame = health_data.latest_run_results(tmp_path)
    assert frame["status"].tolist() == ["pass"]
