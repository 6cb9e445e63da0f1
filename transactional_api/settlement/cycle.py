"""Settlement periods: where a cycle's period ends, and its key (unique per merchant)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def period(cycle: str, at: datetime) -> tuple[str, datetime]:
    """(period_key, period_end) of the last period that ended at or before ``at``: T+1 the
    previous day, weekly the previous ISO week, monthly the previous calendar month."""
    day = datetime(at.year, at.month, at.day, tzinfo=UTC)
    if cycle == "t_plus_1":
        end = day
        return (end - timedelta(days=1)).date().isoformat(), end
    if cycle == "weekly":
        end = day - timedelta(days=day.weekday())
        year, week, _ = (end - timedelta(days=1)).isocalendar()
        return f"{year}-W{week:02d}", end
    if cycle == "monthly":
        end = day.replace(day=1)
        return (end - timedelta(days=1)).strftime("%Y-%m"), end
    raise ValueError(f"unknown cycle {cycle!r}")
