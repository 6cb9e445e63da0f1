"""Behaviour events from storefront clients: validate each against the contract, store the rest."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.events.contract import behaviour_adapter
from transactional_api.events.models import OutboxEvent
from transactional_api.events.outbox import emit


def ingest_behaviour(
    *, session: Session, items: list[Any], user_id: str | None
) -> tuple[int, list[tuple[int, list[dict[str, Any]]]]]:
    """Returns (accepted, [(index, errors)]). The caller's identity overrides any user_id sent."""
    valid, rejected = [], []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            rejected.append((i, [{"loc": [], "msg": "event must be an object", "type": "type"}]))
            continue
        try:
            event = behaviour_adapter.validate_python({**item, "user_id": user_id})
        except ValidationError as exc:
            rejected.append((i, [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
                                 for e in exc.errors(include_url=False)]))
            continue
        valid.append(event)
    # A client retrying a batch resends the same event_ids: store each once.
    ids = [e.event_id for e in valid]
    known = set(session.scalars(select(OutboxEvent.event_id).where(OutboxEvent.event_id.in_(ids))))
    seen: set[str] = set()
    for event in valid:
        if event.event_id in known or event.event_id in seen:
            continue
        seen.add(event.event_id)
        emit(session=session, event=event)
    return len(valid), rejected
