from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class AlertOut(BaseModel):
    """value, expected and the bounds are in the metric's own unit: gmv_cents in cents,
    conversion_rate and payment_failure_rate as fractions 0..1, counts as counts."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    source: str
    metric: str
    direction: str
    metric_date: date | None
    window_start: datetime
    window_end: datetime
    value: float
    expected: float | None
    lower_bound: float | None
    upper_bound: float | None
    z_score: float | None
    failures: int | None
    attempts: int | None
    message: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class AlertList(BaseModel):
    items: list[AlertOut]
