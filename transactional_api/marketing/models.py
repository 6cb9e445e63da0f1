"""Campaign costs: one row per (campaign, source, medium, day), soft-deleted so its revision
counter keeps growing when a deleted cost is entered again (the warehouse keeps the highest
revision of each key, see stg_flywheel__campaign_costs)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class CampaignCost(Base):
    __tablename__ = "campaign_costs"
    __table_args__ = (
        UniqueConstraint("campaign", "source", "medium", "day", name="uq_campaign_costs_key"),
        CheckConstraint("amount_cents >= 0", name="ck_campaign_costs_amount_nonneg"),
        CheckConstraint("revision >= 1", name="ck_campaign_costs_revision_pos"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    campaign: Mapped[str] = mapped_column(String(100))  # utm_campaign
    source: Mapped[str] = mapped_column(String(100))  # utm_source
    medium: Mapped[str] = mapped_column(String(100))  # utm_medium
    day: Mapped[date] = mapped_column(Date, index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(36))
