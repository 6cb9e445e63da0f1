"""Commissions learn of payments, refunds and completions from the outbox, by an id cursor
kept in promoter_cursors, without touching the order or payment code.

Every event is applied once: its id goes into promoter_consumed_events in the same
transaction, and an event already there is skipped, so re-reading is harmless. On
PostgreSQL a lower outbox id can commit after a higher one, so each pass re-reads
``promoters_consumer_overlap_rows`` behind the cursor; SQLite commits in id order."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core.db import utcnow
from transactional_api.events import follower
from transactional_api.promoters import commissions
from transactional_api.promoters.models import ConsumedEvent, Cursor

log = logging.getLogger("flywheel.promoters")
CURSOR = "outbox"
EVENT_TYPES = ("order_paid", "refund_succeeded", "order_completed")


def consume_once(sessions: sessionmaker[Session], settings: Settings, *,
                 batch: int = 200) -> tuple[int, bool]:
    """Apply one batch in one transaction: (events applied, whether more may be waiting)."""

    def once_each(s: Session, records: list[dict]) -> int:
        ids = [r["event_id"] for r in records]
        done = set(s.scalars(select(ConsumedEvent.event_id).where(
            ConsumedEvent.event_id.in_(ids))))
        applied = 0
        for record in records:
            if record["event_id"] in done:
                continue
            done.add(record["event_id"])
            s.add(ConsumedEvent(event_id=record["event_id"], applied_at=utcnow()))
            applied += apply(s, record, settings)
        return applied

    applied, more = follower.follow_once(
        sessions, cursor_model=Cursor, name=CURSOR, event_types=EVENT_TYPES,
        overlap_rows=settings.promoters_consumer_overlap_rows, apply=once_each, batch=batch)
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
    return follower.follow_all(lambda: consume_once(sessions, settings, batch=batch),
                               budget_seconds=budget_seconds)
