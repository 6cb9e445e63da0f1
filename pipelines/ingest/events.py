"""Incremental, idempotent load of landed event files into raw.events, in bulk.

New landed files are read by DuckDB (read_json with the contract's columns, no Python per
line) and compacted into Parquet parts per arrival day (compaction.py). raw.events is a
view over exactly the parts raw._loaded_files names, redefined in the same transaction
that records a part's files there. So a crash loads those files again from scratch, a
re-run skips them, and no row is read twice or lost. The events are stored once, as
Parquet: copying ten million rows into a DuckDB table as well would cost a third of the
load. The view names the parts by path, so a copy of the warehouse (the published one)
reads them from this lake. Duplicated events (same event_id in two files) are kept here
and removed in staging (the deduplicated_landed_events macro).
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.ingest.compaction import (
    COMPACTED_DIR,
    RAW_EVENT_COLUMNS,
    Part,
    chunks,
    merge_parts,
    part_path,
    remove_orphans,
    write_parquet,
    write_part,
)
from pipelines.resources import WarehouseResource
from transactional_api.config import Settings
from transactional_api.events.lake import landed_files

__all__ = ["RAW_EVENT_COLUMNS", "LoadResult", "ensure_raw_tables", "load_new_files"]

log = logging.getLogger(__name__)

_TYPES = {"schema_version": "INTEGER", "occurred_at": "TIMESTAMP", "_ingested_at": "TIMESTAMP"}


@dataclass(frozen=True)
class LoadResult:
    files: int
    rows: int
    total_rows: int
    parts: int = 0  # Parquet parts written for the new files
    merged_days: int = 0  # closed arrival days whose parts became one
    orphans_removed: int = 0  # leftovers of a crashed run, deleted


def _raw_events_view(conn: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """(Re)define raw.events over the counted parts (an empty relation without any)."""
    parts = [r[0] for r in conn.execute(
        "SELECT DISTINCT compacted_into FROM raw._loaded_files "
        "WHERE compacted_into IS NOT NULL ORDER BY 1").fetchall()]
    cols = ", ".join(RAW_EVENT_COLUMNS)
    if parts:
        files = ", ".join("'" + str(lake / p).replace("'", "''") + "'" for p in parts)
        body = f"SELECT {cols} FROM read_parquet([{files}])"
    else:
        body = "SELECT " + ", ".join(
            f"CAST(NULL AS {_TYPES.get(c, 'VARCHAR')}) AS {c}" for c in RAW_EVENT_COLUMNS
        ) + " WHERE false"
    conn.execute(f"CREATE OR REPLACE VIEW raw.events AS {body}")


def _migrate_raw_table(conn: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """A warehouse from before compaction holds raw.events as a table: its rows become one
    part, which the files loaded back then are recorded in, and the table a view."""
    rel = conn.execute(
        "SELECT file_path FROM raw._loaded_files WHERE compacted_into IS NULL").fetchall()
    files = tuple(r[0] for r in rel)
    part = part_path(lake, datetime.now(UTC).date(), ("legacy", *files))
    write_parquet(conn, f"SELECT {', '.join(RAW_EVENT_COLUMNS)} FROM raw.events", part)
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute("UPDATE raw._loaded_files SET compacted_into = ? "
                     "WHERE compacted_into IS NULL", [part.relative_to(lake).as_posix()])
        conn.execute("DROP TABLE raw.events")
        _raw_events_view(conn, lake)
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def ensure_raw_tables(conn: duckdb.DuckDBPyConnection, lake: Path) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS raw._loaded_files "
        "(file_path VARCHAR PRIMARY KEY, row_count BIGINT, loaded_at TIMESTAMP)"
    )
    # Lake-relative path of the Parquet part holding the file's rows.
    conn.execute("ALTER TABLE raw._loaded_files ADD COLUMN IF NOT EXISTS compacted_into VARCHAR")
    kind = conn.execute(
        "SELECT table_type FROM information_schema.tables "
        "WHERE table_schema = 'raw' AND table_name = 'events'").fetchone()
    if kind is None:
        _raw_events_view(conn, lake)
    elif kind[0] == "BASE TABLE":
        _migrate_raw_table(conn, lake)


def _count_part(conn: duckdb.DuckDBPyConnection, lake: Path, part: Part,
                loaded_at: datetime) -> int:
    """Record a written part's files and add it to raw.events, in one transaction."""
    rel = part.path.relative_to(lake).as_posix()
    conn.execute("BEGIN TRANSACTION")
    try:
        # Every file gets its row, an empty one too, so it is not read again.
        conn.execute(
            """
            INSERT INTO raw._loaded_files (file_path, row_count, loaded_at, compacted_into)
            SELECT f.file_path, coalesce(c.n, 0), ?, ?
            FROM (SELECT unnest(?::VARCHAR[]) AS file_path) AS f
            LEFT JOIN (
                SELECT _source_file, count(*) AS n FROM read_parquet(?) GROUP BY 1
            ) AS c ON c._source_file = f.file_path
            """,
            [loaded_at, rel, list(part.files), str(part.path)],
        )
        rows = conn.execute(
            "SELECT sum(row_count) FROM raw._loaded_files WHERE compacted_into = ?", [rel]
        ).fetchone()[0]
        _raw_events_view(conn, lake)
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        part.path.unlink(missing_ok=True)
        raise
    return int(rows or 0)


def _counted_parts(conn: duckdb.DuckDBPyConnection, lake: Path) -> dict[str, Part]:
    rows = conn.execute(
        "SELECT compacted_into, list(file_path ORDER BY file_path) FROM raw._loaded_files "
        "WHERE compacted_into IS NOT NULL GROUP BY 1"
    ).fetchall()
    return {rel: Part(path=lake / rel, files=tuple(files)) for rel, files in rows}


def _part_day(rel: str) -> date:
    # _compacted/date=YYYY-MM-DD/part-….parquet
    return date.fromisoformat(rel.split("/")[1].removeprefix("date="))


def merge_closed_days(conn: duckdb.DuckDBPyConnection, lake: Path) -> int:
    """Merge the parts of every arrival day older than the newest one into one part.

    Hourly runs leave a part per run; once files arrive for a later day, a day gets no more
    (the relay stamps files with their arrival) and is rewritten once. The new part is
    counted before the old ones are deleted, so a crash leaves orphans, never a gap.
    """
    parts = _counted_parts(conn, lake)
    by_day: dict[date, list[tuple[str, Part]]] = {}
    for rel, part in parts.items():
        by_day.setdefault(_part_day(rel), []).append((rel, part))
    if not by_day:
        return 0
    newest = max(by_day)
    merged = 0
    for day in sorted(d for d in by_day if d < newest and len(by_day[d]) > 1):
        old = [part for _, part in sorted(by_day[day])]
        if not all(p.path.exists() for p in old):
            log.warning("compacted parts of %s are missing; not merging that day", day)
            continue
        new = merge_parts(conn, lake, day, old)
        new_rel = new.path.relative_to(lake).as_posix()
        old_rels = [rel for rel, _ in by_day[day]]
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(
                "UPDATE raw._loaded_files SET compacted_into = ? "
                "WHERE list_contains(?::VARCHAR[], compacted_into)", [new_rel, old_rels])
            _raw_events_view(conn, lake)
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        for part in old:
            if part.path != new.path:
                part.path.unlink(missing_ok=True)
        merged += 1
    return merged


def load_new_files(conn: duckdb.DuckDBPyConnection, lake: Path) -> LoadResult:
    """Load every landed file not yet in raw._loaded_files; return what was added."""
    ensure_raw_tables(conn, lake)
    manifest = dict(conn.execute(
        "SELECT file_path, compacted_into FROM raw._loaded_files").fetchall())
    orphans = remove_orphans(lake, {c for c in manifest.values() if c})
    pending = [p for p in landed_files(lake) if p.relative_to(lake).as_posix() not in manifest]
    now = datetime.now(UTC).replace(tzinfo=None)
    files = rows = parts = 0
    for day, chunk in chunks(lake, pending):
        part = write_part(conn, lake, day, chunk, now)
        added = _count_part(conn, lake, part, now)
        files += len(chunk)
        rows += added
        parts += 1
        log.info("loaded %d files (%d events) into raw.events via %s", len(chunk), added,
                 part.path.relative_to(lake))
    merged = merge_closed_days(conn, lake)
    total = conn.execute("SELECT count(*) FROM raw.events").fetchone()[0]
    return LoadResult(files=files, rows=rows, total_rows=int(total), parts=parts,
                      merged_days=merged, orphans_removed=len(orphans))


@dg.asset(
    group_name="ingest",
    kinds={"duckdb", "parquet"},
    description=(
        "New landed event files read in bulk by DuckDB, compacted into Parquet per arrival "
        f"day (<lake>/{COMPACTED_DIR}/date=…) and appended to raw.events (each file once)."
    ),
)
def raw_events(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    lake = Settings().resolved_lake_dir
    with warehouse.connect() as conn:
        result = load_new_files(conn, lake)
    context.log.info(
        f"raw_events: {result.files} new files, {result.rows} new events, "
        f"{result.parts} parts written, {result.merged_days} days merged")
    return dg.MaterializeResult(
        metadata={
            "new_files": result.files,
            "new_rows": result.rows,
            "parts_written": result.parts,
            "days_merged": result.merged_days,
            "orphans_removed": result.orphans_removed,
            "dagster/row_count": result.total_rows,
            "lake": str(lake),
        }
    )
