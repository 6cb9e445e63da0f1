"""Campaigns, the messages they send (one per campaign, user and trigger key, by a unique
constraint), the audience entries that key audience campaigns, and the consumer's cursor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

DRAFT, ACTIVE, PAUSED, ARCHIVED = "draft", "active", "paused", "archived"
# message statuses: scheduled (deferred by quiet hours), sent, capped (suppressed by a
# frequency cap: the key stays taken, so the trigger never sends later)
# undeliverable: no address on the channel (an email or SMS campaign, a user without one)
SCHEDULED, SENT, CAPPED, UNDELIVERABLE = "scheduled", "sent", "capped", "undeliverable"


class Campaign(Base):
    __tablename__ = "reach_campaigns"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'active', 'paused', 'archived')",
                        name="ck_reach_campaigns_status"),
        CheckConstraint("trigger_kind IN ('event', 'abandoned_cart', 'audience')",
                        name="ck_reach_campaigns_trigger"),
        CheckConstraint("channel IN ('email', 'sms', 'inbox')", name="ck_reach_campaigns_channel"),
        Index("ix_reach_campaigns_status_trigger", "status", "trigger_kind"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    trigger_kind: Mapped[str] = mapped_column(String(16))
    # event: {"event_type", "to_levels"?, "first_order_only"?}; abandoned_cart:
    # {"idle_minutes"}; audience: {"audience_id"}
    trigger: Mapped[dict] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(120), default="")
    template: Mapped[str] = mapped_column(String(400))
    cap_per_day: Mapped[int | None] = mapped_column(Integer)
    cap_per_week: Mapped[int | None] = mapped_column(Integer)
    quiet_start_hour: Mapped[int | None] = mapped_column(Integer)  # UTC hour, inclusive
    quiet_end_hour: Mapped[int | None] = mapped_column(Integer)  # UTC hour, exclusive
    offer_code: Mapped[str | None] = mapped_column(String(40))
    offer_valid_hours: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReachMessage(Base):
    """One trigger's message to one user. (campaign, user, trigger_key) is unique: retries,
    a second API process or a re-run of a sweep insert nothing and so send nothing."""

    __tablename__ = "reach_messages"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "trigger_key", name="uq_reach_messages_once"),
        CheckConstraint("status IN ('scheduled', 'sent', 'capped', 'undeliverable')",
                        name="ck_reach_messages_status"),
        Index("ix_reach_messages_user_channel_sent", "user_id", "channel", "sent_at"),
        Index("ix_reach_messages_due", "status", "due_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    campaign_id: Mapped[str] = mapped_column(String(36), ForeignKey("reach_campaigns.id"))
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    trigger_kind: Mapped[str] = mapped_column(String(16))
    trigger_key: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(String(500))
    offer_code: Mapped[str | None] = mapped_column(String(40))
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    triggered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clicked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AudienceEntry(Base):
    """A user's n-th stay in an audience campaign's audience: entering again after leaving
    opens period n+1, which is a new trigger key."""

    __tablename__ = "reach_audience_entries"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "period", name="uq_reach_audience_entry"),
        Index("ix_reach_audience_entries_open", "campaign_id", "left_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(String(36), ForeignKey("reach_campaigns.id"))
    user_id: Mapped[str] = mapped_column(String(36))
    period: Mapped[int] = mapped_column(Integer)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReachCursor(Base):
    """The outbox consumer's last id (one row, locked while a batch is applied)."""

    __tablename__ = "reach_cursors"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
