"""Alerts: a metric outside its band (warehouse) or a payment-failure spike (stream).

Values are in the metric's own unit (gmv_cents in cents, conversion_rate and
payment_failure_rate as fractions 0..1); an alert carries the band it broke so a reader
needs nothing else to judge it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Count, Envelope, Id, Strict, UtcDateTime

AlertKind = Literal["metric_anomaly", "payment_failure_spike"]
Metric = Annotated[str, Field(min_length=1, max_length=64)]
Number = Annotated[float, Field(allow_inf_nan=False)]


class AlertRaisedPayload(Strict):
    """One alert, raised once per dedupe key (a metric and day, or a spike's window)."""

    alert_id: Id
    kind: AlertKind
    source: Literal["warehouse", "stream"]
    metric: Metric
    direction: Literal["above", "below"]
    metric_date: date | None = None
    window_start: UtcDateTime
    window_end: UtcDateTime
    value: Number
    expected: Number | None = None
    lower_bound: Number | None = None
    upper_bound: Number | None = None
    z_score: Number | None = None
    failures: Count | None = None
    attempts: Count | None = None
    message: str = Field(max_length=500)


class AlertAcknowledgedPayload(Strict):
    """An operator has seen the alert (the envelope's user_id is that operator)."""

    alert_id: Id
    kind: AlertKind
    metric: Metric


class AlertRaised(Envelope):
    event_type: Literal["alert_raised"] = "alert_raised"
    payload: AlertRaisedPayload


class AlertAcknowledged(Envelope):
    event_type: Literal["alert_acknowledged"] = "alert_acknowledged"
    payload: AlertAcknowledgedPayload


ALERT_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (AlertRaised, AlertAcknowledged)
}
