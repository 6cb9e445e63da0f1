from __future__ import annotations

from fastapi import APIRouter

from transactional_api.core.deps import Db, OptionalCaller
from transactional_api.events import service
from transactional_api.events.schemas import EventBatchIn, EventBatchOut, RejectedEvent

router = APIRouter(tags=["events"])


@router.post("/v1/events", response_model=EventBatchOut)
def post_events(body: EventBatchIn, db: Db, caller: OptionalCaller) -> EventBatchOut:
    with db.begin():
        accepted, rejected = service.ingest_behaviour(
            session=db, items=body.events, user_id=caller.id if caller else None
        )
    return EventBatchOut(
        accepted=accepted,
        rejected=[RejectedEvent(index=i, errors=errs) for i, errs in rejected],
    )
