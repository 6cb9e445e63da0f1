"""Following the outbox by an id cursor: what every domain that reacts to other domains'
events (members' earnings, group seats, mall give-backs, commissions) does the same way.

One batch is one transaction: the cursor row is locked (so several API processes take
turns), the events after it are read and handed to the domain's ``apply``, and the cursor
moves past them. On PostgreSQL a lower outbox id can commit after a higher one, so each
pass re-reads ``overlap_rows`` behind the cursor; ``apply`` must therefore be idempotent
(each domain keys what it writes by the event). SQLite commits in id order: no overlap.
A cheap read first skips the writer lock when nothing is new.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core.db import transaction, utcnow
from transactional_api.events import outbox

Apply = Callable[[Session, list[dict]], int]


def follow_once(sessions: sessionmaker[Session], *, cursor_model, name: str,
                event_types: tuple[str, ...], overlap_rows: int, apply: Apply,
                batch: int = 200) -> tuple[int, bool]:
    """(what apply returned, whether more events may be waiting)."""
    with sessions() as s:
        position = s.scalar(select(cursor_model.position).where(cursor_model.name == name))
        if outbox.last_id(session=s) <= (position or 0):
            return 0, False
    with transaction(sessions) as s:
        cursor = s.scalar(select(cursor_model).where(cursor_model.name == name)
                          .with_for_update())
        if cursor is None:
            cursor = cursor_model(name=name, position=0, updated_at=utcnow())
            s.add(cursor)
            s.flush()
        overlap = 0 if s.get_bind().dialect.name == "sqlite" else overlap_rows
        rows = outbox.read_after(session=s, after_id=max(cursor.position - overlap, 0),
                                 event_types=event_types, limit=batch + overlap)
        applied = apply(s, [record for _, record in rows]) if rows else 0
        more = len(rows) == batch + overlap
        newest = max((row_id for row_id, _ in rows), default=cursor.position)
        if not more:
            newest = max(newest, outbox.last_id(session=s))
        cursor.position, cursor.updated_at = max(newest, cursor.position), utcnow()
    return applied, more


def follow_all(step: Callable[[], tuple[int, bool]], *,
               budget_seconds: float | None = None) -> int:
    """Repeat step until nothing more waits, or (with a budget) until it is spent: the
    periodic jobs share the writer with checkout, so they take small bites."""
    total, started = 0, time.monotonic()
    while True:
        applied, more = step()
        total += applied
        if not more or (budget_seconds is not None
                        and time.monotonic() - started >= budget_seconds):
            return total
