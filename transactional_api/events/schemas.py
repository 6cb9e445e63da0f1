from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class EventBatchIn(BaseModel):
    # Items stay untyped here so one bad event is reported, not the whole batch refused.
    events: list[Any] = Field(min_length=1, max_length=500)


class RejectedEvent(BaseModel):
    index: int
    errors: list[dict[str, Any]]


class EventBatchOut(BaseModel):
    accepted: int
    rejected: list[RejectedEvent]
