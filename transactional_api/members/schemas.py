from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.members.levels import Benefits

# Strict: "30" or true is a client bug, not a number of points.
PositivePoints = Annotated[int, Field(strict=True, ge=1, le=10**9)]
SignedPoints = Annotated[int, Field(strict=True, ge=-(10**9), le=10**9)]
Reason = Annotated[str, Field(min_length=1, max_length=150)]


class NextLevelOut(BaseModel):
    name: str
    min_growth: int
    growth_missing: int


class MemberOut(BaseModel):
    user_id: str
    level: str
    level_since: datetime | None
    benefits: Benefits
    window_growth: int = Field(description="Growth value over the rolling window")
    window_days: int
    points_balance: int
    points_debt: int = Field(description="Points a refund could not take back (already "
                             "spent); settled from the next earnings")
    next_level: NextLevelOut | None
    birth_date: date | None = None


class PointsEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    points: int
    balance_after: int
    reason: str
    order_id: str | None
    expires_at: datetime | None
    occurred_at: datetime


class LedgerPage(BaseModel):
    items: list[PointsEntryOut]
    next_before_id: int | None = Field(description="Pass as before_id for the next page")


class RedemptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    points: PositivePoints
    reason: Reason


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    points: SignedPoints = Field(description="Signed, never 0: a credit or a debit")
    reason: Reason


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[a-z][a-z0-9_]*$",
                                  description="where it was shared: link, email, wechat...")]


class ShareOut(BaseModel):
    share_id: str
    product_id: str
    channel: str
    rewarded: bool = Field(description="False past the day's rewarded shares")
    points: int
    growth: int


class BirthdayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    birth_date: date


class BirthdayOut(BaseModel):
    birth_date: date
