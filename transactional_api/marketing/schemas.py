"""Campaign costs in and out over HTTP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.events.envelope import MAX_CENTS
from transactional_api.marketing.models import CampaignCost

# A UTM value as shoppers' links carry it: 1-100 characters, no control characters, no
# surrounding blanks (" spring" would never match the sessions' "spring").
UTM_PATTERN = r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"
Utm = Annotated[str, Field(min_length=1, max_length=100, pattern=UTM_PATTERN)]
Amount = Annotated[int, Field(strict=True, ge=0, le=MAX_CENTS)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
# Costs are entered per calendar day; a day before this is a typo, not a campaign.
FIRST_DAY = date(2000, 1, 1)


class CampaignCostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    campaign: Utm = Field(description="utm_campaign of the links the money paid for")
    source: Utm = Field(description="utm_source, e.g. google")
    medium: Utm = Field(description="utm_medium, e.g. cpc")
    day: date = Field(ge=FIRST_DAY, description="UTC day the money was spent")
    amount_cents: Amount
    currency: Currency | None = Field(None, description="the shop's currency when omitted")


class CampaignCostUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_cents: Amount
    currency: Currency | None = Field(None, description="unchanged when omitted")


class CampaignCostOut(BaseModel):
    id: str
    campaign: str
    source: str
    medium: str
    day: date
    amount_cents: int
    currency: str
    revision: int
    created_at: datetime
    updated_at: datetime


class CampaignCostPage(BaseModel):
    items: list[CampaignCostOut]
    total: int
    total_cents: dict[str, int] = Field(description="sum of amount_cents per currency")
    limit: int
    offset: int


def cost_out(row: CampaignCost) -> CampaignCostOut:
    return CampaignCostOut(id=row.id, campaign=row.campaign, source=row.source,
                           medium=row.medium, day=row.day, amount_cents=row.amount_cents,
                           currency=row.currency, revision=row.revision,
                           created_at=row.created_at, updated_at=row.updated_at)
