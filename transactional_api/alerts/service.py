"""Raise, list and acknowledge alerts. Raising is idempotent on the finding's dedupe key, and
every change is an outbox event in the same transaction (alert_raised, alert_acknowledged)."""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import get_args

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.alerts.models import Alert
from transactional_api.core import clock
from transactional_api.core.errors import NotFound
from transactional_api.events import alert_events as ae
from transactional_api.events.outbox import emit

log = logging.getLogger("flywheel.alerts")
KINDS = get_args(ae.AlertKind)


@dataclass(frozen=True)
class Finding:
    """Something a check found; dedupe_key names it so that finding it again changes nothing."""

    kind: str
    source: str
    metric: str
    direction: str
    dedupe_key: str
    window_start: datetime
    window_end: datetime
    value: float
    message: str
    metric_date: date | None = None
    expected: float | None = None
    lower_bound: float | None = None
    upper_bound: float | None = None
    z_score: float | None = None
    failures: int | None = None
    attempts: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown alert kind {self.kind!r}")
        numbers = (self.value, self.expected, self.lower_bound, self.upper_bound, self.z_score)
        if any(n is not None and not math.isfinite(n) for n in numbers):
            raise ValueError("alert values must be finite numbers")


def anomaly_key(metric: str, day: date) -> str:
    return f"metric_anomaly:{metric}:{day.isoformat()}"


def _by_key(session: Session, key: str) -> Alert | None:
    return session.scalar(select(Alert).where(Alert.dedupe_key == key))


def raise_alert(*, session: Session, finding: Finding,
                now: datetime | None = None) -> tuple[Alert, bool]:
    """The alert for this finding and whether this call created it (False: it existed)."""
    existing = _by_key(session, finding.dedupe_key)
    if existing is not None:
        return existing, False
    alert = Alert(**asdict(finding), raised_at=now or clock.now())
    try:
        with session.begin_nested():  # a concurrent raiser may win the unique key
            session.add(alert)
    except IntegrityError:
        existing = _by_key(session, finding.dedupe_key)
        if existing is None:
            raise
        return existing, False
    emit(session=session, event=ae.AlertRaised(occurred_at=alert.raised_at, payload={
        "alert_id": alert.id,
        **{k: v for k, v in asdict(finding).items() if k not in ("dedupe_key",)},
    }))
    log.warning("alert raised", extra={"alert_id": alert.id, "kind": alert.kind,
                                       "metric": alert.metric, "alert_message": alert.message})
    return alert, True


def raise_window_alert(*, session: Session, finding: Finding,
                       now: datetime | None = None) -> tuple[Alert, bool]:
    """raise_alert for findings over a stretch of time (stream spikes): a finding whose
    window overlaps an alert of its kind already raised is that alert, however the checks
    that found it cut the stream."""
    overlapping = session.scalar(
        select(Alert).where(Alert.kind == finding.kind,
                            Alert.window_start <= finding.window_end,
                            Alert.window_end >= finding.window_start)
        .order_by(Alert.raised_at).limit(1))
    if overlapping is not None:
        return overlapping, False
    return raise_alert(session=session, finding=finding, now=now)


def list_alerts(*, session: Session, kind: str | None = None, since: datetime | None = None,
                limit: int = 100) -> list[Alert]:
    """Newest first; since keeps the alerts raised at or after that moment."""
    query = select(Alert)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    if since is not None:
        query = query.where(Alert.raised_at >= since)
    return list(session.scalars(query.order_by(Alert.raised_at.desc(), Alert.id).limit(limit)))


def acknowledge(*, session: Session, alert_id: str, actor_id: str,
                now: datetime | None = None) -> Alert:
    """Mark the alert seen. Acknowledging again keeps the first operator and time."""
    alert = session.scalar(select(Alert).where(Alert.id == alert_id).with_for_update())
    if alert is None:
        raise NotFound("alert not found")
    if alert.acknowledged_at is not None:
        return alert
    alert.acknowledged_at = now or clock.now()
    alert.acknowledged_by = actor_id
    emit(session=session, event=ae.AlertAcknowledged(
        occurred_at=alert.acknowledged_at, user_id=actor_id,
        payload={"alert_id": alert.id, "kind": alert.kind, "metric": alert.metric}))
    return alert
