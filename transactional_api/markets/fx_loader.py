"""Loading exchange rates from a CSV file (columns: date, base, quote, rate): each row is
the pair's rate from that day's start (UTC). Idempotent: a row already there with the
same rate writes nothing; a different rate for the same pair and day corrects it."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core.db import transaction
from transactional_api.core.errors import DomainError, Unprocessable
from transactional_api.markets import fx
from transactional_api.markets.money import parse_rate

COLUMNS = ("date", "base", "quote", "rate")
BATCH = 500


@dataclass
class LoadSummary:
    rows: int = 0
    counts: Counter = field(default_factory=Counter)  # inserted / updated / unchanged
    errors: list[dict] = field(default_factory=list)  # line, message (the row is skipped)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "inserted": self.counts["inserted"],
                "updated": self.counts["updated"], "unchanged": self.counts["unchanged"],
                "rejected": len(self.errors), "errors": self.errors[:20]}


def parse_row(row: dict) -> tuple[str, str, int, datetime]:
    try:
        day = date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        raise Unprocessable("date must be YYYY-MM-DD", code="invalid_date") from None
    base = (row.get("base") or "").strip().upper()
    quote = (row.get("quote") or "").strip().upper()
    rate_e9 = parse_rate(row.get("rate") or "")
    return base, quote, rate_e9, datetime(day.year, day.month, day.day, tzinfo=UTC)


def load_csv(sessions: sessionmaker[Session], path: Path, *,
             progress: Callable[[int], None] | None = None,
             every: int = 1000) -> LoadSummary:
    """Every valid row is loaded (in batches, one transaction each); a bad row is
    reported with its line number and skipped."""
    summary = LoadSummary()
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise Unprocessable("the CSV lacks columns", code="invalid_csv",
                                details={"missing": missing, "expected": list(COLUMNS)})
        batch: list[tuple[int, dict]] = []
        for line, row in enumerate(reader, start=2):
            batch.append((line, row))
            if len(batch) >= BATCH:
                _load(sessions, batch, summary, progress, every)
                batch = []
        _load(sessions, batch, summary, progress, every)
    return summary


def _load(sessions, batch, summary: LoadSummary, progress, every: int) -> None:
    if not batch:
        return
    with transaction(sessions) as s:
        for line, row in batch:
            summary.rows += 1
            try:
                base, quote, rate_e9, at = parse_row(row)
                with s.begin_nested():
                    summary.counts[fx.set_rate(session=s, base=base, quote=quote,
                                               rate_e9=rate_e9, effective_from=at,
                                               source="csv")] += 1
            except DomainError as exc:
                summary.errors.append({"line": line, "code": exc.code, "message": exc.message})
            if progress is not None and summary.rows % every == 0:
                progress(summary.rows)
