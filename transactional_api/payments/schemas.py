from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.events.contract import MAX_CENTS, UtcDateTime


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["sandbox"] = "sandbox"
    # Only where the operator lets shoppers choose (the demo); elsewhere sending it is a 422.
    sandbox_outcome: Literal["succeed", "fail"] | None = None


class PaymentOut(BaseModel):
    id: str
    order_id: str
    channel: str
    amount_cents: int
    currency: str
    status: str
    failure_reason: str | None
    created_at: datetime


class CallbackIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    provider_event_id: str = Field(min_length=1, max_length=128)
    payment_id: str = Field(min_length=1, max_length=36)
    status: Literal["succeeded", "failed"]
    amount_cents: int = Field(strict=True, ge=0, le=MAX_CENTS)
    currency: str = Field(min_length=3, max_length=3)
    occurred_at: UtcDateTime
    reason: str | None = Field(None, max_length=200)


class CallbackOut(BaseModel):
    outcome: str
