"""Incremental, idempotent load of landed event files into raw.events.

Each file is loaded once: its lake-relative path goes into raw._loaded_files in the same
transaction as its rows, so a crash loads it again from scratch and a re-run skips it.
Duplicated events (same event_id in two files) are kept here and removed in staging.
"""


import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from pipelines.resources import WarehouseResource
from transactional_api.config import Settings
from transactional_api.events.contract import CONTEXT_COLUMNS, ENVELOPE_COLUMNS
from transactional_api.events.lake import landed_files

log = logging.getLogger(__name__)

RAW_EVENT_COLUMNS: tuple[str, ...] = (
    *ENVELOPE_COLUMNS, *CONTEXT_COLUMNS, "payload", "_source_file", "_ingested_at",
)
_TYPES = {"schema_version": "INTEGER", "occurred_at": "TIMESTAMP", "_ingested_at": "TIMESTAMP"}
FILES_PER_TRANSACTION = 200


@dataclass(frozen=True)
class LoadResult:
    files: int
    rows: int
    total_rows: int


def ensure_raw_tables(conn: duckdb.DuckDBPyConnection) -> None:
    cols = ", ".join(f"{c} {_TYPES.get(c, 'VARCHAR')}" for c in RAW_EVENT_COLUMNS)
    conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
    conn.execute(f"CREATE TABLE IF NOT EXISTS raw.events ({cols})")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS raw._loaded_files "
        "(file_path VARCHAR PRIMARY KEY, row_count BIGINT, loaded_at TIMESTAMP)"
    )


def _read_file(path: Path, rel: str, ingested_at: datetime) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            context = rec.get("context") or {}
            row = {c: rec.get(c) for c in ENVELOPE_COLUMNS}
            row.update({c: context.get(c) for c in CONTEXT_COLUMNS})
            row["payload"] = json.dumps(rec.get("payload"), separators=(",", ":"))
            row["_source_file"] = rel
            row["_ingested_at"] = ingested_at
            rows.append(row)
    return rows


def _to_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(RAW_EVENT_COLUMNS))
    # Naive UTC in the warehouse: parse the aware ISO strings, convert, drop the zone.
    frame["occurred_at"] = (
        pd.to_datetime(frame["occurred_at"], utc=True, format="ISO8601").dt.tz_localize(None)
    )
    frame["_ingested_at"] = pd.to_datetime(frame["_ingested_at"], utc=True).dt.tz_localize(None)
    frame["schema_version"] = frame["schema_version"].astype("Int32")
    return frame


def load_new_files(conn: duckdb.DuckDBPyConnection, lake: Path) -> LoadResult:
    """Load every landed file not yet in raw._loaded_files; return what was added."""
    ensure_raw_tables(conn)
    loaded = {r[0] for r in conn.execute("SELECT file_path FROM raw._loaded_files").fetchall()}
    pending = [
        (p, p.relative_to(lake).as_posix())
        for p in landed_files(lake)
        if p.relative_to(lake).as_posix() not in loaded
    ]
    files = rows = 0
    for start in range(0, len(pending), FILES_PER_TRANSACTION):
        batch = pending[start : start + FILES_PER_TRANSACTION]
        now = datetime.now(UTC)
        per_file = [(rel, _read_file(path, rel, now)) for path, rel in batch]
        records = [r for _, recs in per_file for r in recs]
        conn.execute("BEGIN TRANSACTION")
        try:
            if records:
                conn.register("incoming_events", _to_frame(records))
                conn.execute(
                    f"INSERT INTO raw.events ({', '.join(RAW_EVENT_COLUMNS)}) "
                    f"SELECT {', '.join(RAW_EVENT_COLUMNS)} FROM incoming_events"
                )
                conn.unregister("incoming_events")
            conn.executemany(
                "INSERT INTO raw._loaded_files VALUES (?, ?, ?)",
                [(rel, len(recs), now.replace(tzinfo=None)) for rel, recs in per_file],
            )
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        files += len(batch)
        rows += len(records)
        log.info("loaded %d files (%d events) into raw.events", len(batch), len(records))
    total = conn.execute("SELECT count(*) FROM raw.events").fetchone()[0]
    return LoadResult(files=files, rows=rows, total_rows=int(total))


@dg.asset(
    group_name="ingest",
    kinds={"duckdb"},
    description="New landed event files appended to raw.events (each file loaded once).",
)
def raw_events(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    lake = Settings().resolved_lake_dir
    with warehouse.connect() as conn:
        result = load_new_files(conn, lake)
    context.log.info(f"raw_events: {result.files} new files, {result.rows} new events")
    return dg.MaterializeResult(
        metadata={
            "new_files": result.files,
            "new_rows": result.rows,
            "dagster/row_count": result.total_rows,
            "lake": str(lake),
        }
    )
