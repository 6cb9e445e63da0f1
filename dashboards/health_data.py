"""Read-only inputs of the data-health page.

- anomaly bands and source freshness: the published warehouse (marts, raw, oltp schemas);
- dbt test and build results: the newest run_results.json under dbt_project/target (each
  Dagster run of dbt writes one there);
- last pipeline runs and when the OLTP snapshot was taken: Dagster's own SQLite storage
  under $DAGSTER_HOME (what `flywheel pipeline run`, `flywheel demo` and `dagster dev` use),
  opened read-only with sqlite3: dashboards never load Dagster itself.

A file that is missing or unreadable gives an empty frame: the page says so and goes on.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, WarehouseUnavailable, _query
from transactional_api.config import get_settings

DBT_TARGET_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "target"
RUN_COLUMNS = ["run_id", "job", "status", "started_at", "ended_at", "duration_s"]
RESULT_COLUMNS = ["unique_id", "resource_type", "name", "status", "execution_time",
                  "failures", "message"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def metric_anomalies(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """marts.fct_metric_anomalies over [start, end], by metric and day."""
    return _query(
        path,
        """
        select metric_date, metric_name, metric_value, history_points, history_mean,
               history_stddev, z_score, lower_bound, upper_bound, direction,
               is_complete_day, is_anomaly
        from marts.fct_metric_anomalies
        where metric_date between ? and ?
        order by metric_name, metric_date
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def raised_alerts(path: str, version: int, start: date, end: date) -> pd.DataFrame:
    """marts.fct_alerts raised in [start, end] (UTC days), newest first."""
    return _query(
        path,
        """
        select raised_at, raised_date, alert_kind, alert_source, metric_name, message,
               is_acknowledged, acknowledged_at
        from marts.fct_alerts
        where raised_date between ? and ?
        order by raised_at desc
        """,
        [start, end],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def event_freshness(path: str, version: int) -> pd.DataFrame:
    """Per landed event type: its newest event, when the newest load ran, and its rows."""
    return _query(
        path,
        """
        select event_type, max(occurred_at) as latest_event_at,
               max(_ingested_at) as loaded_at, count(*) as events
        from raw.events
        group by event_type
        order by event_type
        """,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def snapshot_freshness(path: str, version: int) -> pd.DataFrame:
    """Per OLTP table in the snapshot: rows and the newest created_at / updated_at in it."""
    columns = _query(
        path,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'oltp' and column_name in ('created_at', 'updated_at')",
    )
    tables = _query(path, "select table_name from information_schema.tables "
                          "where table_schema = 'oltp' order by table_name")["table_name"]
    if tables.empty:
        raise WarehouseUnavailable("no oltp snapshot in the published warehouse")
    stamped = columns.groupby("table_name")["column_name"].apply(list).to_dict()
    parts = []
    for table in tables:
        stamps = stamped.get(table, [])
        latest = (f"greatest({', '.join(f'max({c})' for c in stamps)})" if stamps
                  else "cast(null as timestamp)")
        parts.append(f"select '{table}' as table_name, count(*) as rows, "
                     f"{latest} as latest_change_at from oltp.\"{table}\"")
    return _query(path, " union all ".join(parts) + " order by table_name")


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or get_settings().var_dir / "dagster")


def _sqlite_rows(db: Path, sql: str) -> list[tuple] | None:
    """Rows of a read-only query on a Dagster SQLite file; None when it cannot be read."""
    if not db.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        return connection.execute(sql).fetchall()
    except sqlite3.Error:  # a storage layout this page does not know
        return None
    finally:
        connection.close()


def _utc(value) -> pd.Timestamp | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return pd.Timestamp(datetime.fromtimestamp(value, UTC))
    stamp = pd.Timestamp(value)  # Dagster stores naive UTC text
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def pipeline_runs(home: Path | None = None, limit: int = 10) -> pd.DataFrame:
    """The last pipeline runs, newest first: job, status, start, end and duration."""
    rows = _sqlite_rows((home or dagster_home()) / "history" / "runs.db", (
        "select run_id, pipeline_name, status, start_time, end_time, create_timestamp "
        f"from runs order by create_timestamp desc limit {int(limit)}"))
    records = []
    for run_id, job, status, started, ended, created in rows or []:
        started_at = _utc(started) if started is not None else _utc(created)
        ended_at = _utc(ended)
        duration = (ended_at - started_at).total_seconds() if ended_at is not None else None
        records.append((run_id[:8], job, status, started_at, ended_at, duration))
    return pd.DataFrame(records, columns=RUN_COLUMNS)


def materialized_at(home: Path | None = None) -> dict[str, pd.Timestamp]:
    """When each asset (as 'oltp/orders') was last materialized, from Dagster's index."""
    rows = _sqlite_rows((home or dagster_home()) / "history" / "runs" / "index.db",
                        "select asset_key, last_materialization_timestamp from asset_keys "
                        "where last_materialization_timestamp is not null")
    out = {}
    for key, stamp in rows or []:
        try:
            out["/".join(json.loads(key))] = _utc(stamp)
        except (TypeError, ValueError):
            continue
    return out


def latest_run_results(target_dir: Path | None = None) -> tuple[datetime | None, pd.DataFrame]:
    """When dbt last wrote run_results.json, and one row per model, test or seed in it."""
    target = target_dir or DBT_TARGET_DIR
    files = list(target.glob("run_results.json")) + list(target.glob("*/run_results.json"))
    if not files:
        return None, pd.DataFrame(columns=RESULT_COLUMNS)
    newest = max(files, key=lambda p: p.stat().st_mtime)
    return _parse_run_results(str(newest), newest.stat().st_mtime_ns)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _parse_run_results(file: str, mtime_ns: int) -> tuple[datetime | None, pd.DataFrame]:
    try:
        doc = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, pd.DataFrame(columns=RESULT_COLUMNS)
    generated = doc.get("metadata", {}).get("generated_at")
    rows = []
    for result in doc.get("results", []):
        parts = str(result.get("unique_id", "")).split(".")
        rows.append((result.get("unique_id"), parts[0], parts[2] if len(parts) > 2 else "",
                     result.get("status"), result.get("execution_time"),
                     result.get("failures"), result.get("message")))
    at = datetime.fromisoformat(generated.replace("Z", "+00:00")) if generated else None
    return at, pd.DataFrame(rows, columns=RESULT_COLUMNS)
