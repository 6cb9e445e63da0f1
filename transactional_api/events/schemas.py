from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class EventBatchIn(BaseModel):
    """Behaviour events. Each one sent costs a token of the caller's rate limit (their user
    id when signed in, else their address); when the tokens run out the whole batch gets 429
    with Retry-After and nothing is stored. Each event must also lie in the accepted
    occurred_at window and name products and SKUs that exist, or it is listed in `rejected`."""

    # Items stay untyped here so one bad event is reported, not the whole batch refused.
    events: list[Any] = Field(min_length=1, max_length=500)


class RejectedEvent(BaseModel):
    index: int
    errors: list[dict[str, Any]]


class EventBatchOut(BaseModel):
    accepted: int
    rejected: list[RejectedEvent]
