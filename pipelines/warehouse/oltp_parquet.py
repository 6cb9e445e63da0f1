"""The OLTP snapshot as Parquet beside the lake, for engines that read files (Spark).

<lake>/_oltp/snapshot-<stamp>/<table>.parquet holds one snapshot, every table of it, and
<lake>/_oltp/current is a symlink to the newest complete one, swapped atomically: a reader
sees the whole of one snapshot or of the next, never orders from one and their items from
another (what the DuckDB side gets from replacing oltp.* in one transaction). The snapshot
before the current one is kept for a reader still on it; older ones are deleted.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

OLTP_DIR = "_oltp"
CURRENT = "current"
_PREFIX = "snapshot-"


def current_dir(lake: Path) -> Path:
    return lake / OLTP_DIR / CURRENT


def write_snapshot_parquet(lake: Path, tables: dict[str, pa.Table]) -> Path:
    """Write every table as <table>.parquet into a new snapshot folder, then point
    `current` at it; returns the folder."""
    root = lake / OLTP_DIR
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = root / f"{_PREFIX}{stamp}"
    writing = root / f".{folder.name}.writing"  # hidden from readers until complete
    writing.mkdir(parents=True)
    try:
        for name, table in tables.items():
            pq.write_table(table, writing / f"{name}.parquet")
        os.replace(writing, folder)
    except BaseException:
        shutil.rmtree(writing, ignore_errors=True)
        raise
    link = root / f".{CURRENT}.{stamp}"
    link.symlink_to(folder.name)
    os.replace(link, root / CURRENT)
    _remove_old(root, keep={folder.name, _previous(root, folder.name)})
    return folder


def _previous(root: Path, newest: str) -> str | None:
    older = sorted(p.name for p in root.glob(f"{_PREFIX}*") if p.name < newest)
    return older[-1] if older else None


def _remove_old(root: Path, keep: set[str | None]) -> None:
    for path in root.iterdir():
        if path.name == CURRENT or path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
