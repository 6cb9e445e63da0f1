"""Tags and audiences: tag definitions and their lifecycle, manual tag assignments, and
saved audience rules. The envelope's user_id is the operator who acted; a manual
assignment names the tagged shopper in its payload (as review_moderated names the author).
Automatic tags are computed in the warehouse and never come back as events.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Envelope, Id, Strict

TagName = Annotated[str, Field(min_length=1, max_length=40)]
TagKind = Literal["manual", "automatic"]
TagStatus = Literal["created", "active", "retired"]


class TagCreatedPayload(Strict):
    tag: TagName
    kind: TagKind


class TagStatusChangedPayload(Strict):
    tag: TagName
    kind: TagKind
    from_status: TagStatus
    to_status: TagStatus


class UserTagPayload(Strict):
    tag: TagName
    tagged_user_id: Id
    reason: str | None = Field(None, max_length=200)


class AudiencePayload(Strict):
    audience_id: Id
    name: str = Field(min_length=1, max_length=100)
    # the rule as canonical JSON (sorted keys): operators' own words, no personal data
    rule: str = Field(min_length=2, max_length=20_000)
    tags: list[TagName] = Field(default_factory=list, max_length=200)


class AudienceDeletedPayload(Strict):
    audience_id: Id
    name: str = Field(min_length=1, max_length=100)


class TagCreated(Envelope):
    event_type: Literal["tag_created"] = "tag_created"
    payload: TagCreatedPayload


class TagStatusChanged(Envelope):
    event_type: Literal["tag_status_changed"] = "tag_status_changed"
    payload: TagStatusChangedPayload


class UserTagAssigned(Envelope):
    event_type: Literal["user_tag_assigned"] = "user_tag_assigned"
    payload: UserTagPayload


class UserTagUnassigned(Envelope):
    event_type: Literal["user_tag_unassigned"] = "user_tag_unassigned"
    payload: UserTagPayload


class AudienceCreated(Envelope):
    event_type: Literal["audience_created"] = "audience_created"
    payload: AudiencePayload


class AudienceUpdated(Envelope):
    event_type: Literal["audience_updated"] = "audience_updated"
    payload: AudiencePayload


class AudienceDeleted(Envelope):
    event_type: Literal["audience_deleted"] = "audience_deleted"
    payload: AudienceDeletedPayload


TAG_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (TagCreated, TagStatusChanged, UserTagAssigned, UserTagUnassigned,
              AudienceCreated, AudienceUpdated, AudienceDeleted)
}
