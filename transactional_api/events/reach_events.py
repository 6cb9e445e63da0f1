"""Automated reach: campaign lifecycle and every message sent, opened and clicked, so the
warehouse measures each campaign's reach and conversion. Message events carry the
recipient as the envelope's user_id; campaign events the operator who acted."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Envelope, Id, Strict, UtcDateTime

Channel = Literal["email", "sms", "inbox"]
TriggerKind = Literal["event", "abandoned_cart", "audience"]
CampaignStatus = Literal["draft", "active", "paused", "archived"]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class ReachCampaignPayload(Strict):
    campaign_id: Id
    name: Name
    trigger_kind: TriggerKind
    channel: Channel
    version: Annotated[int, Field(strict=True, ge=1)]


class ReachCampaignStatusChangedPayload(Strict):
    campaign_id: Id
    name: Name
    trigger_kind: TriggerKind
    channel: Channel
    from_status: CampaignStatus
    to_status: CampaignStatus


class ReachMessageSentPayload(Strict):
    message_id: Id
    campaign_id: Id
    channel: Channel
    trigger_kind: TriggerKind
    # the event id, the cart's version or the audience entry period
    trigger_key: Annotated[str, Field(min_length=1, max_length=120)]
    triggered_at: UtcDateTime
    offer_code: str | None = Field(None, max_length=40)


class ReachMessageActionPayload(Strict):
    message_id: Id
    campaign_id: Id
    channel: Channel
    trigger_kind: TriggerKind
    sent_at: UtcDateTime


class ReachCampaignCreated(Envelope):
    event_type: Literal["reach_campaign_created"] = "reach_campaign_created"
    payload: ReachCampaignPayload


class ReachCampaignUpdated(Envelope):
    event_type: Literal["reach_campaign_updated"] = "reach_campaign_updated"
    payload: ReachCampaignPayload


class ReachCampaignStatusChanged(Envelope):
    event_type: Literal["reach_campaign_status_changed"] = "reach_campaign_status_changed"
    payload: ReachCampaignStatusChangedPayload


class ReachMessageSent(Envelope):
    event_type: Literal["reach_message_sent"] = "reach_message_sent"
    payload: ReachMessageSentPayload


class ReachMessageOpened(Envelope):
    event_type: Literal["reach_message_opened"] = "reach_message_opened"
    payload: ReachMessageActionPayload


class ReachMessageClicked(Envelope):
    event_type: Literal["reach_message_clicked"] = "reach_message_clicked"
    payload: ReachMessageActionPayload


REACH_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (ReachCampaignCreated, ReachCampaignUpdated, ReachCampaignStatusChanged,
              ReachMessageSent, ReachMessageOpened, ReachMessageClicked)
}
