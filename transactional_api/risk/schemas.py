from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    order_id: str
    user_id: str
    decision_id: str
    action: str
    reasons: list[str]
    score: int
    total_cents: int
    currency: str
    status: Literal["open", "approved", "rejected"]
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    note: str | None


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    total: int
    limit: int
    offset: int


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=500)
