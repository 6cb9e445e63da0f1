"""Commissions learn of payments, refunds and completions from the outbox, by an id cursor
kept in promoter_cursors, without touching the order or payment code.

Every event is applied once: its id goes into promoter_consumed_events in the same
transaction, and an event already there is skipped, so re-reading is harmless. On
PostgreSQL a lower outbox id can commit after a higher one, so each pass re-reads
``promoters_consumer_overlap_rows`` behind the cursor; SQLite commits in id order."""

from __future__ import annotations

import logging
import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core.db import transaction, utcnow
from transactional_api.events import outbox
from transactional_api.promoters import commissions
from transactional_api.promoters.models import ConsumedEvent, Cursor

log = logging.getLogger("flywheel.promoters")
CURSOR = "outbox"
EVENT_TYPES = ("order_paid", "refund_succeeded", "order_completed")


def consume_once(sessions: sessionmaker[Session], settings: Settings, *,
                 batch: int = 200) -> tuple[int, bool]:
    """Apply one batch in one transaction: (events applied, whether more may be waiting)."""
    with sessions() as s:
        position = s.scalar(select(Cursor.position).where(Cursor.name == CURSOR)) or 0
        if outbox.last_id(session=s) <= position:
            return 0, False
    with transaction(sessions) as s:
        cursor = s.scalar(select(Cursor).where(Cursor.name == CURSOR).with_for_update())
        if cursor is None:
            cursor = Cursor(name=CURSOR, position=0, updated_at=utcnow())
            s.add(cursor)
            s.flush()
        overlap = 0 if s.get_bind().dialect.name == "sqlite" else \
            settings.promoters_consumer_overlap_rows
        rows = outbox.read_after(session=s, after_id=max(cursor.position - overlap, 0),
                                 event_types=EVENT_TYPES, limit=batch + overlap)
        ids = [r["event_id"] for _, r in rows]
        done = set(s.scalars(select(ConsumedEvent.event_id).where(
            ConsumedEvent.event_id.in_(ids)))) if ids else set()
        applied = 0
        for _, record in rows:
            if record["event_id"] in done:
                continue
            done.add(record["event_id"])
            s.add(ConsumedEvent(event_id=record["event_id"], applied_at=utcnow()))
            applied += apply(s, record, settings)
        more = len(rows) == batch + overlap
        newest = max((row_id for row_id, _ in rows), default=cursor.position)
        if not more:
            newest = max(newest, outbox.last_id(session=s))
        cursor.position, cursor.updated_at = max(newest, cursor.position), utcnow()
    if applied:
        log.info("promoters consumer applied events", extra={"applied": applied})
    return applied, more


def apply(s: Session, record: dict, settings: Settings) -> int:
    kind = record["event_type"]
    if kind == "order_paid":
        return commissions.on_paid(s, record, settings)
    if kind == "refund_succeeded":
        return commissions.on_refund(s, record)
    return commissions.on_completed(s, record, settings)


def consume_all(sessions: sessionmaker[Session], settings: Settings, *,
                budget_seconds: float | None = None, batch: int = 200) -> int:
    total, started = 0, time.monotonic()
    while True:
        applied, more = consume_once(sessions, settings, batch=batch)
        total += applied
        if not more or (budget_seconds is not None
                        and time.monotonic() - started >= budget_seconds):
            return total
