"""Raised alerts, one row per dedupe key, and who acknowledged them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class Alert(Base):
    """A metric outside its band. value, expected and the bounds are in the metric's own
    unit (gmv_cents in cents, rates as fractions), as the warehouse computed them."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_kind_raised_at", "kind", "raised_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # metric_anomaly:<metric>:<day> or payment_failure_spike:<window bucket>: raising the
    # same finding twice (a re-run, a second watcher) finds the first row.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    metric: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))
    metric_date: Mapped[date | None] = mapped_column(Date)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    value: Mapped[float] = mapped_column(Float)
    expected: Mapped[float | None] = mapped_column(Float)
    lower_bound: Mapped[float | None] = mapped_column(Float)
    upper_bound: Mapped[float | None] = mapped_column(Float)
    z_score: Mapped[float | None] = mapped_column(Float)
    failures: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(500))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(36))
