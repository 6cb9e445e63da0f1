from __future__ import annotations

from fastapi import APIRouter, Request

from transactional_api.core import ratelimit
from transactional_api.core.deps import Caller, Db, OptionalCaller, RedisDep, SettingsDep
from transactional_api.events import service
from transactional_api.events.schemas import EventBatchIn, EventBatchOut, RejectedEvent
from transactional_api.recommendations import recent

router = APIRouter(tags=["events"])


def _bucket(request: Request, caller: Caller | None) -> str:
    # A signed-in shopper is throttled as themself, not with everyone behind the same address.
    if caller is not None:
        return f"events:user:{caller.id}"
    return f"events:addr:{request.client.host if request.client else 'unknown'}"


@router.post("/v1/events", response_model=EventBatchOut)
def post_events(body: EventBatchIn, request: Request, db: Db, caller: OptionalCaller,
                redis: RedisDep, settings: SettingsDep) -> EventBatchOut:
    # Every event sent costs a token, valid or not; a refused batch stores nothing.
    ratelimit.enforce(redis, _bucket(request, caller), cost=len(body.events),
                      rate_per_second=settings.events_rate_per_second,
                      burst=settings.events_burst, what="events")
    with db.begin():
        accepted, rejected = service.ingest_behaviour(
            session=db, items=body.events, user_id=caller.id if caller else None,
            max_lateness_seconds=settings.events_max_lateness_seconds,
            max_future_skew_seconds=settings.events_max_future_skew_seconds,
        )
    # After the commit; logs and swallows its own errors, so it never fails the ingest.
    recent.remember_accepted(redis, body.events, (i for i, _ in rejected),
                             cap=settings.reco_recent_items,
                             ttl_seconds=settings.reco_recent_ttl_seconds)
    return EventBatchOut(
        accepted=accepted,
        rejected=[RejectedEvent(index=i, errors=errs) for i, errs in rejected],
    )
