"""Write events into the outbox inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.events.contract import to_record
from transactional_api.events.models import OutboxEvent


def emit_many(*, session: Session, events: Iterable) -> int:
    """Stage many events with one multi-row INSERT (bulk loads: imports, opening stock)."""
    now = clock.now()
    rows = []
    for event in events:
        record = to_record(event)
        rows.append({"event_id": record["event_id"], "event_type": record["event_type"],
                     "record": json.dumps(record, separators=(",", ":")), "created_at": now})
    if rows:
        session.execute(insert(OutboxEvent), rows)
    return len(rows)


def emit(*, session: Session, event) -> None:
    """Stage one contract event; it is published only if the surrounding transaction commits."""
    record = to_record(event)
    session.add(
        OutboxEvent(
            event_id=record["event_id"],
            event_type=record["event_type"],
            record=json.dumps(record, separators=(",", ":")),
            created_at=clock.now(),
        )
    )


def read_after(*, session: Session, after_id: int, event_types: Iterable[str],
               limit: int) -> list[tuple[int, dict]]:
    """Outbox rows with id > after_id of the given types, oldest first, as (id, record):
    the public way for an in-process consumer to follow the outbox by an id cursor."""
    rows = session.execute(
        select(OutboxEvent.id, OutboxEvent.record)
        .where(OutboxEvent.id > after_id, OutboxEvent.event_type.in_(list(event_types)))
        .order_by(OutboxEvent.id).limit(limit))
    return [(row_id, json.loads(record)) for row_id, record in rows]


def last_id(*, session: Session) -> int:
    """The newest outbox row's id (0 when empty): where a caught-up consumer's cursor goes."""
    return session.scalar(select(func.max(OutboxEvent.id))) or 0
