"""Campaign costs over HTTP: operators enter what each campaign cost per channel and day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from transactional_api.core.deps import Db, MarketingCaller, ReadDb, SettingsDep
from transactional_api.marketing import service
from transactional_api.marketing.schemas import (
    FIRST_DAY,
    CampaignCostIn,
    CampaignCostOut,
    CampaignCostPage,
    CampaignCostUpdate,
    Utm,
    cost_out,
)

router = APIRouter(tags=["marketing"])
CostPath = Annotated[str, Path(min_length=1, max_length=36)]


@router.post("/v1/admin/campaign-costs", status_code=201, response_model=CampaignCostOut)
def create_cost(body: CampaignCostIn, db: Db, caller: MarketingCaller,
                settings: SettingsDep) -> CampaignCostOut:
    """One cost per campaign, source, medium and day: 409 `campaign_cost_exists` (with its
    id) when the key has one; change that one with PUT."""
    key = service.CostKey(campaign=body.campaign, source=body.source, medium=body.medium,
                          day=body.day)
    with db.begin():
        return cost_out(service.create_cost(
            session=db, key=key, amount_cents=body.amount_cents,
            currency=body.currency or settings.default_currency, actor_id=caller.id))


@router.get("/v1/admin/campaign-costs", response_model=CampaignCostPage)
def list_costs(db: ReadDb, _: MarketingCaller,
               day_from: Annotated[date | None, Query(alias="from", ge=FIRST_DAY)] = None,
               day_to: Annotated[date | None, Query(alias="to", ge=FIRST_DAY)] = None,
               campaign: Annotated[Utm | None, Query()] = None,
               source: Annotated[Utm | None, Query()] = None,
               medium: Annotated[Utm | None, Query()] = None,
               limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> CampaignCostPage:
    """Live costs with `from` <= day <= `to` (inclusive, UTC days), newest day first."""
    where = service.CostFilter(day_from=day_from, day_to=day_to, campaign=campaign,
                               source=source, medium=medium)
    with db.begin():
        rows, total, sums = service.list_costs(session=db, where=where, limit=limit,
                                               offset=offset)
        return CampaignCostPage(items=[cost_out(r) for r in rows], total=total,
                                total_cents=sums, limit=limit, offset=offset)


@router.get("/v1/admin/campaign-costs/{cost_id}", response_model=CampaignCostOut)
def get_cost(cost_id: CostPath, db: ReadDb, _: MarketingCaller) -> CampaignCostOut:
    with db.begin():
        return cost_out(service.get_cost(session=db, cost_id=cost_id))


@router.put("/v1/admin/campaign-costs/{cost_id}", response_model=CampaignCostOut)
def update_cost(cost_id: CostPath, body: CampaignCostUpdate, db: Db,
                caller: MarketingCaller) -> CampaignCostOut:
    with db.begin():
        return cost_out(service.update_cost(session=db, cost_id=cost_id,
                                            amount_cents=body.amount_cents,
                                            currency=body.currency, actor_id=caller.id))


@router.delete("/v1/admin/campaign-costs/{cost_id}", status_code=204)
def delete_cost(cost_id: CostPath, db: Db, caller: MarketingCaller) -> Response:
    with db.begin():
        service.delete_cost(session=db, cost_id=cost_id, actor_id=caller.id)
    return Response(status_code=204)
