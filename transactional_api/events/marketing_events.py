"""Contract events of the marketing domain: campaign costs entered by operators.

Every change of a cost emits one event with the cost's ``revision`` (1, 2, ... per key,
never reused, also across a delete and re-entry), so the warehouse rebuilds the current
costs by keeping the highest revision of each (campaign, source, medium, day), whatever
order the events land in. The operator is the envelope's user_id.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict

Utm = Annotated[str, Field(min_length=1, max_length=100)]
Revision = Annotated[int, Field(strict=True, ge=1)]


class CampaignCostSetPayload(Strict):
    """A cost was entered or changed; previous_amount_cents is None when it is new."""

    cost_id: Id
    campaign: Utm
    source: Utm
    medium: Utm
    day: date
    amount_cents: Cents
    currency: str = Field(min_length=3, max_length=3)
    revision: Revision
    previous_amount_cents: Cents | None = None


class CampaignCostDeletedPayload(Strict):
    """A cost was withdrawn: the key has no cost from this revision on."""

    cost_id: Id
    campaign: Utm
    source: Utm
    medium: Utm
    day: date
    currency: str = Field(min_length=3, max_length=3)
    revision: Revision
    previous_amount_cents: Cents


class CampaignCostSet(Envelope):
    event_type: Literal["campaign_cost_set"] = "campaign_cost_set"
    payload: CampaignCostSetPayload


class CampaignCostDeleted(Envelope):
    event_type: Literal["campaign_cost_deleted"] = "campaign_cost_deleted"
    payload: CampaignCostDeletedPayload


MARKETING_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (CampaignCostSet, CampaignCostDeleted)
}
