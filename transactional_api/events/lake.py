"""Landing zone layout: <lake>/<event_type>/date=YYYY-MM-DD/part-<ts>-<uuid>.jsonl.

Files appear atomically (written aside, then renamed), so a reader never sees half a
file. Each line is one event as ``contract.to_record`` gives it. The same layout works
on object storage; only this module knows it.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def partition_dir(lake: Path, event_type: str, occurred_at: str) -> Path:
    return lake / event_type / f"date={occurred_at[:10]}"


def land(lake: Path, records: Iterable[dict[str, Any]]) -> list[Path]:
    """Append records to the lake, one new file per (event_type, date) partition."""
    groups: dict[Path, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        groups[partition_dir(lake, rec["event_type"], rec["occurred_at"])].append(rec)
    written = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    for folder, recs in groups.items():
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"part-{stamp}-{uuid.uuid4().hex[:12]}.jsonl"
        tmp = folder / f".{final.name}.tmp"
        try:
            with tmp.open("w", encoding="utf-8") as fh:
                for rec in recs:
                    fh.write(json.dumps(rec, separators=(",", ":")) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            # a full disk would otherwise leave a partial file behind on every retry
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        written.append(final)
    return written


def remove_stale_tmp(lake: Path, older_than: float = 60.0) -> list[Path]:
    """Remove tmp files a crashed writer left behind. Only old ones: a younger file may be
    another worker's write in flight."""
    if not lake.exists():
        return []
    cutoff = time.time() - older_than
    removed = []
    for tmp in lake.glob("*/date=*/.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                removed.append(tmp)
    return removed


def landed_files(lake: Path) -> list[Path]:
    """Every complete landed file, oldest partition first."""
    if not lake.exists():
        return []
    return sorted(p for p in lake.glob("*/date=*/part-*.jsonl"))
