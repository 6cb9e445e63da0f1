"""Write events into the outbox inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import insert
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
