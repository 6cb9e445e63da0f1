"""Write events into the outbox inside the caller's transaction."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.events.contract import to_record
from transactional_api.events.models import OutboxEvent


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
