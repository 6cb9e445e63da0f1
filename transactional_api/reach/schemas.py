"""Reach over HTTP: campaigns in and out, the shopper's messages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Channel = Literal["email", "sms", "inbox"]
Hour = Annotated[int, Field(strict=True, ge=0, le=23)]
Cap = Annotated[int, Field(strict=True, ge=1, le=1000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventTrigger(_In):
    kind: Literal["event"]
    event_type: Literal["member_level_changed", "order_paid"]
    # member_level_changed: upgrades only, to any level or to these
    to_levels: list[Annotated[str, Field(min_length=1, max_length=32)]] | None = Field(
        None, max_length=20)
    first_order_only: bool = False  # order_paid: only the shopper's first paid order


class AbandonedCartTrigger(_In):
    kind: Literal["abandoned_cart"]
    idle_minutes: Annotated[int, Field(strict=True, ge=5, le=60 * 24 * 30)] = 120


class AudienceTrigger(_In):
    kind: Literal["audience"]
    audience_id: Annotated[str, Field(min_length=1, max_length=36)]


Trigger = Annotated[EventTrigger | AbandonedCartTrigger | AudienceTrigger,
                    Field(discriminator="kind")]


class Offer(_In):
    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
    valid_hours: Annotated[int, Field(strict=True, ge=1, le=24 * 90)]


class QuietHours(_In):
    """UTC hours [start, end): sends due inside are deferred to end; start > end wraps
    midnight (22 -> 8)."""

    start_hour: Hour
    end_hour: Hour

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start_hour == self.end_hour:
            raise ValueError("quiet hours need start_hour != end_hour")
        return self


class Caps(_In):
    """At most this many reach messages per user and channel over the rolling day / 7
    days, counting every campaign's sends."""

    per_day: Cap | None = None
    per_week: Cap | None = None


class CampaignIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    trigger: Trigger
    channel: Channel
    subject: Annotated[str, Field(max_length=120)] = ""
    template: Annotated[str, Field(min_length=1, max_length=400)]
    caps: Caps = Field(default_factory=Caps)
    quiet_hours: QuietHours | None = None
    offer: Offer | None = None


class CampaignPatch(_In):
    """Any field of CampaignIn; the trigger kind stays (a new trigger kind is a new
    campaign, so its once-per-trigger keys never mix)."""

    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    trigger: Trigger | None = None
    channel: Channel | None = None
    subject: Annotated[str, Field(max_length=120)] | None = None
    template: Annotated[str, Field(min_length=1, max_length=400)] | None = None
    caps: Caps | None = None
    quiet_hours: QuietHours | None = None
    offer: Offer | None = None
    clear_quiet_hours: bool = False
    clear_offer: bool = False


class TransitionIn(_In):
    action: Literal["activate", "pause", "archive"]


class CampaignOut(BaseModel):
    id: str
    name: str
    status: str
    trigger: dict
    channel: str
    subject: str
    template: str
    caps: Caps
    quiet_hours: QuietHours | None
    offer: Offer | None
    version: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    activated_at: datetime | None


class CampaignList(BaseModel):
    items: list[CampaignOut]


class CampaignStats(BaseModel):
    campaign_id: str
    scheduled: int
    sent: int
    capped: int
    opened: int
    clicked: int


class MessageOut(BaseModel):
    id: str
    campaign_id: str
    channel: str
    subject: str
    body: str
    offer_code: str | None
    offer_expires_at: datetime | None
    sent_at: datetime
    opened_at: datetime | None
    clicked_at: datetime | None


class MessageList(BaseModel):
    items: list[MessageOut]
    unread: int


class RunOut(BaseModel):
    events_applied: int
    abandoned_carts: int
    audience_sends: int
    deferred_sent: int
