"""A merchant's staff decide and inspect the after-sales requests on their own merchant's
sub-orders (the orders permission within the merchant); another merchant's request is a
404, as if it did not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from transactional_api.aftersales import service
from transactional_api.aftersales.schemas import (
    AfterSalesOut,
    AfterSalesPage,
    DecisionIn,
    InspectionIn,
    Status,
    request_out,
)
from transactional_api.core.deps import Db, MerchantOrdersCaller, ReadDb, SettingsDep
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.inventory.allocation import load_strategy

router = APIRouter(tags=["after-sales", "merchant"])
RequestPath = Annotated[str, Path(min_length=1, max_length=36)]


def _own(db, request_id: str, merchant_id: str | None) -> None:
    row = service.get_request(session=db, request_id=request_id, user_id=None)
    if row.merchant_id != merchant_id:
        raise NotFound("after-sales request not found", code="after_sales_not_found")


@router.get("/v1/merchant/after-sales", response_model=AfterSalesPage)
def list_requests(db: ReadDb, caller: MerchantOrdersCaller, status: Status | None = None,
                  limit: Annotated[int, Query(ge=1, le=100)] = 20,
                  offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> AfterSalesPage:
    with db.begin():
        rows, total = service.list_requests(session=db, status=status, limit=limit,
                                            offset=offset, merchant_id=caller.merchant_id)
        return AfterSalesPage(items=[request_out(r) for r in rows], total=total, limit=limit,
                              offset=offset)


@router.post("/v1/merchant/after-sales/{request_id}/decision", response_model=AfterSalesOut)
def decide(request_id: RequestPath, body: DecisionIn, db: Db,
           caller: MerchantOrdersCaller) -> AfterSalesOut:
    """Approve or reject with a reason, as the operators' route does."""
    with db.begin():
        _own(db, request_id, caller.merchant_id)
        return request_out(service.decide(session=db, request_id=request_id,
                                          decision=body.decision, reason=body.reason,
                                          actor_id=caller.id))


@router.post("/v1/merchant/after-sales/{request_id}/inspection", response_model=AfterSalesOut)
def inspection(request_id: RequestPath, body: InspectionIn, db: Db,
               caller: MerchantOrdersCaller, settings: SettingsDep) -> AfterSalesOut:
    """The returned goods arrived at the merchant: accepted units are refunded or replaced."""
    accepted = {line.sku_id: line.accepted_quantity for line in body.lines}
    if len(accepted) != len(body.lines):
        raise Unprocessable("one inspection line per SKU", code="duplicate_lines")
    with db.begin():
        _own(db, request_id, caller.merchant_id)
        return request_out(service.inspect_return(
            session=db, request_id=request_id, accepted=accepted, note=body.note,
            actor_id=caller.id, settle=body.settle,
            strategy=load_strategy(settings.allocation_strategy)))
