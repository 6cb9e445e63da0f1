"""The envelope every contract event shares, and the field types payloads are built from."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

Id = Annotated[str, Field(min_length=1, max_length=64)]
MAX_CENTS = 10**12  # the largest amount the warehouse takes; the API refuses larger ones
# Strict: "3" or true is a client bug, not a quantity; coercing it would hide the bug.
Cents = Annotated[int, Field(strict=True, ge=0, le=MAX_CENTS)]
Quantity = Annotated[int, Field(strict=True, ge=1, le=10_000)]
Count = Annotated[int, Field(strict=True, ge=0, le=10**6)]


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00+14:00 or 9999-12-31T23:59-01:00 fall outside years 1..9999 in UTC
        raise PydanticCustomError(
            "datetime_out_of_range", "datetime is outside years 1..9999 once converted to UTC"
        ) from None


# An aware datetime normalised to UTC, refusing (not crashing on) values that overflow.
UtcDateTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Context(Strict):
    utm_source: str | None = Field(None, max_length=100)
    utm_medium: str | None = Field(None, max_length=100)
    utm_campaign: str | None = Field(None, max_length=100)
    referrer: str | None = Field(None, max_length=500)
    device: Literal["desktop", "mobile", "tablet", "other"] | None = None



class Envelope(Strict):
    event_id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1, max_length=64)
    schema_version: Literal[1] = 1
    occurred_at: UtcDateTime = Field(default_factory=lambda: datetime.now(UTC))
    user_id: Id | None = None
    anonymous_id: Id | None = None
    session_id: Id | None = None
    context: Context = Field(default_factory=Context)
