"""Landing pages and resource slots. Definition changes are written by the API through the
outbox (the envelope's user_id is the operator who acted); page views, slot impressions and
slot clicks are behaviour events that storefront clients send to POST /v1/events, carrying
the page or the slot and creative, with the UTM parameters in the envelope's context, so
the warehouse credits orders and revenue to pages, slots and campaigns."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Envelope, Id, Strict, UtcDateTime

Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")]
SlotName = Literal["home_banner", "popup", "category_banner"]
Status = Literal["draft", "published", "archived"]
Action = Literal["created", "updated", "published", "unpublished", "archived"]
Version = Annotated[int, Field(strict=True, ge=1)]


class LandingPageChangedPayload(Strict):
    page_id: Id
    slug: Slug
    title: Annotated[str, Field(min_length=1, max_length=200)]
    action: Action
    status: Status
    version: Version
    audience_id: Id | None = None
    starts_at: UtcDateTime | None = None
    ends_at: UtcDateTime | None = None
    block_count: Annotated[int, Field(strict=True, ge=0, le=100)]


class SlotCreativeChangedPayload(Strict):
    creative_id: Id
    slot: SlotName
    title: Annotated[str, Field(min_length=1, max_length=200)]
    action: Action
    status: Status
    version: Version
    priority: Annotated[int, Field(strict=True, ge=0, le=1000)]
    audience_id: Id | None = None
    category_id: Id | None = None
    target_page_slug: Slug | None = None
    starts_at: UtcDateTime | None = None
    ends_at: UtcDateTime | None = None


class LandingPageViewPayload(Strict):
    page_id: Id
    slug: Slug


class SlotEventPayload(Strict):
    slot: SlotName
    creative_id: Id
    # the category page a category_banner was shown on
    category_id: Id | None = None


class LandingPageChanged(Envelope):
    event_type: Literal["landing_page_changed"] = "landing_page_changed"
    payload: LandingPageChangedPayload


class SlotCreativeChanged(Envelope):
    event_type: Literal["slot_creative_changed"] = "slot_creative_changed"
    payload: SlotCreativeChangedPayload


class LandingPageView(Envelope):
    event_type: Literal["landing_page_view"] = "landing_page_view"
    payload: LandingPageViewPayload


class SlotImpression(Envelope):
    event_type: Literal["slot_impression"] = "slot_impression"
    payload: SlotEventPayload


class SlotClick(Envelope):
    event_type: Literal["slot_click"] = "slot_click"
    payload: SlotEventPayload


# Written by the API (outbox); the behaviour ones join BEHAVIOUR_EVENTS in contract.py.
LANDING_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (LandingPageChanged, SlotCreativeChanged)
}
LANDING_BEHAVIOUR_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (LandingPageView, SlotImpression, SlotClick)
}
