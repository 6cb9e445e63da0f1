"""Compaction of the relay's small landed JSON files into Parquet, one folder per arrival day.

<lake>/_compacted/date=<arrival day>/part-<digest>.parquet holds the rows of the landed
files that arrived that day (the day in their part-<UTC stamp> name), read in bulk by
DuckDB with an explicit column spec, in the files' order: the relay's files of a day hold
that day's events in time order, so each row group's min/max of occurred_at lets a reader
of a few days skip the rest (sorting as well would cost a quarter of the load). <digest>
is a hash of the landed files inside, so compacting the same files again gives the same
file with the same rows.

Crash safety: a part is written under a temporary name, flushed and renamed; it counts
only once raw._loaded_files names it (the caller commits that with the part's rows). A
part no manifest row names is what a crash left behind, and goes at the start of the next
run, so nothing is lost (its files are still pending) and nothing doubled. One warehouse
owns a lake's _compacted folder.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from transactional_api.events.contract import CONTEXT_COLUMNS, ENVELOPE_COLUMNS

COMPACTED_DIR = "_compacted"
# Keeps one statement's JSON (and its sort) to about this much, whatever a day holds.
MAX_CHUNK_BYTES = 512 * 2**20
_WRITING = ".writing"  # not ".tmp": the relay sweeps old *.tmp files in the lake

# What a landed line holds (transactional_api.events.contract.to_record). Unknown keys are
# ignored; a missing key reads as NULL.
JSON_COLUMNS = {
    "event_id": "VARCHAR", "event_type": "VARCHAR", "schema_version": "INTEGER",
    "occurred_at": "TIMESTAMPTZ", "user_id": "VARCHAR", "anonymous_id": "VARCHAR",
    "session_id": "VARCHAR",
    "context": "STRUCT(" + ", ".join(f"{c} VARCHAR" for c in CONTEXT_COLUMNS) + ")",
    "payload": "JSON",
}
RAW_EVENT_COLUMNS: tuple[str, ...] = (
    *ENVELOPE_COLUMNS, *CONTEXT_COLUMNS, "payload", "_source_file", "_ingested_at",
)


class LandedFileError(ValueError):
    """A landed file that is not the relay's JSON lines (the whole batch is left unloaded)."""


@dataclass(frozen=True)
class Part:
    path: Path
    files: tuple[str, ...]  # lake-relative paths of the landed files inside


def compacted_root(lake: Path) -> Path:
    return lake / COMPACTED_DIR


def arrival_day(path: Path) -> date:
    """The UTC day a landed file reached the lake: its part-<YYYYMMDD>T… stamp, else its
    modification time (a file not named by the relay)."""
    stamp = path.name.removeprefix("part-")[:8]
    try:
        return datetime.strptime(stamp, "%Y%m%d").date()
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).date()


def digest(files: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(files)).encode()).hexdigest()[:20]


def part_path(lake: Path, day: date, files: Iterable[str]) -> Path:
    return compacted_root(lake) / f"date={day.isoformat()}" / f"part-{digest(files)}.parquet"


def chunks(lake: Path, pending: list[Path]) -> Iterator[tuple[date, list[Path]]]:
    """Pending files by arrival day, oldest first, cut at MAX_CHUNK_BYTES of JSON."""
    by_day: dict[date, list[Path]] = defaultdict(list)
    for path in pending:
        by_day[arrival_day(path)].append(path)
    for day in sorted(by_day):
        chunk: list[Path] = []
        size = 0
        for path in sorted(by_day[day], key=lambda p: (p.name, str(p))):
            bytes_ = path.stat().st_size
            if chunk and size + bytes_ > MAX_CHUNK_BYTES:
                yield day, chunk
                chunk, size = [], 0
            chunk.append(path)
            size += bytes_
        yield day, chunk


def _sql_list(values: Iterable[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _select_landed(lake: Path, files: list[Path], ingested_at: datetime) -> str:
    """SELECT of raw.events rows from landed files, in RAW_EVENT_COLUMNS order."""
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in JSON_COLUMNS.items()) + "}"
    prefix = len(str(lake)) + 2  # 1-based, past the lake folder and its slash
    context = ", ".join(f"context.{c} as {c}" for c in CONTEXT_COLUMNS)
    return f"""
        select
            event_id, event_type, schema_version,
            -- naive UTC in the warehouse, whatever offset the line was written with
            cast(timezone('UTC', occurred_at) as timestamp) as occurred_at,
            user_id, anonymous_id, session_id, {context},
            cast(payload as varchar) as payload,
            substr(filename, {prefix}) as _source_file,
            cast('{ingested_at.isoformat(sep=" ")}' as timestamp) as _ingested_at
        from read_json(
            {_sql_list(str(p) for p in files)}, format = 'newline_delimited',
            columns = {columns}, filename = true
        )"""


def _durable_rename(tmp: Path, final: Path) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)
    dir_fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_parquet(conn: duckdb.DuckDBPyConnection, select: str, final: Path) -> None:
    """Rows of ``select`` (raw.events' columns) as the Parquet file ``final``: written
    aside, flushed, renamed."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}{_WRITING}")
    try:
        conn.execute(
            f"COPY ({select}) TO '{tmp}' (FORMAT parquet, ROW_GROUP_SIZE 122880)")
    except duckdb.Error:
        tmp.unlink(missing_ok=True)
        raise
    _durable_rename(tmp, final)


def write_part(conn: duckdb.DuckDBPyConnection, lake: Path, day: date, files: list[Path],
               ingested_at: datetime) -> Part:
    """Compact landed files into one Parquet part (not yet counted: see module doc)."""
    rel = tuple(p.relative_to(lake).as_posix() for p in files)
    final = part_path(lake, day, rel)
    try:
        write_parquet(conn, _select_landed(lake, files, ingested_at), final)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise LandedFileError(
            f"cannot read landed files of {day} ({len(files)} files, first {rel[0]}): {exc}"
        ) from exc
    return Part(path=final, files=rel)


def merge_parts(conn: duckdb.DuckDBPyConnection, lake: Path, day: date,
                parts: list[Part]) -> Part:
    """One part with the rows of several parts of a day (written, not yet counted)."""
    files = tuple(sorted(f for p in parts for f in p.files))
    final = part_path(lake, day, files)
    select = f"select * from read_parquet({_sql_list(str(p.path) for p in parts)})"
    write_parquet(conn, select, final)
    return Part(path=final, files=files)


def remove_orphans(lake: Path, counted: set[str]) -> list[Path]:
    """Delete parts no manifest row names (``counted``: lake-relative paths) and unfinished
    writes: a crash's leftovers."""
    root = compacted_root(lake)
    if not root.exists():
        return []
    removed = []
    for path in sorted(root.glob("date=*/*")):
        is_part = path.name.startswith("part-") and path.suffix == ".parquet"
        rel = path.relative_to(lake).as_posix()
        if path.name.endswith(_WRITING) or (is_part and rel not in counted):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
