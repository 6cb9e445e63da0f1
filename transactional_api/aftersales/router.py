"""After-sales over HTTP: shoppers open, follow, send back and withdraw their requests;
merchants and operators decide and inspect (admin routes until merchants get their own
auth)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from transactional_api.aftersales import service
from transactional_api.aftersales.schemas import (
    AfterSalesIn,
    AfterSalesList,
    AfterSalesOut,
    AfterSalesPage,
    DecisionIn,
    InspectionIn,
    ReturnShipmentIn,
    Status,
    request_out,
)
from transactional_api.core.deps import CurrentCaller, Db, OrdersCaller, ReadDb, SettingsDep
from transactional_api.core.errors import Unprocessable
from transactional_api.core.permissions import Permission
from transactional_api.inventory.allocation import load_strategy

router = APIRouter(tags=["after-sales"])
OrderPath = Annotated[str, Path(min_length=1, max_length=36)]
RequestPath = Annotated[str, Path(min_length=1, max_length=36)]


def _owner(caller) -> str | None:
    return caller.owner_filter(Permission.ORDERS)


def return_window_days(settings) -> int:
    """FLYWHEEL_AFTER_SALES_RETURN_WINDOW_DAYS once Settings declares it; 30 days until."""
    return int(getattr(settings, "after_sales_return_window_days",
                       service.DEFAULT_RETURN_WINDOW_DAYS))


@router.post("/v1/orders/{order_id}/after-sales", status_code=201,
             response_model=AfterSalesOut)
def open_request(order_id: OrderPath, body: AfterSalesIn, db: Db, caller: CurrentCaller,
                 settings: SettingsDep) -> AfterSalesOut:
    """Refund only (not yet shipped), return and refund, or exchange (delivered, within the
    return window) for units of one sub-order's lines; one open request per sub-order."""
    lines: dict[str, int] = {}
    for line in body.lines:
        lines[line.sku_id] = lines.get(line.sku_id, 0) + line.quantity
    with db.begin():
        req = service.open_request(
            session=db, order_id=order_id, user_id=_owner(caller), type=body.type,
            sub_order_id=body.sub_order_id, lines=lines, reason_code=body.reason_code,
            note=body.note, exchange_sku_id=body.exchange_sku_id,
            return_window_days=return_window_days(settings))
        return request_out(req)


@router.get("/v1/orders/{order_id}/after-sales", response_model=AfterSalesList)
def order_requests(order_id: OrderPath, db: ReadDb, caller: CurrentCaller) -> AfterSalesList:
    with db.begin():
        return AfterSalesList(items=[request_out(r) for r in service.list_for_order(
            session=db, order_id=order_id, user_id=_owner(caller))])


@router.get("/v1/after-sales/{request_id}", response_model=AfterSalesOut)
def get_request(request_id: RequestPath, db: ReadDb, caller: CurrentCaller) -> AfterSalesOut:
    with db.begin():
        return request_out(service.get_request(session=db, request_id=request_id,
                                               user_id=_owner(caller)))


@router.post("/v1/after-sales/{request_id}/return-shipment", response_model=AfterSalesOut)
def return_shipment(request_id: RequestPath, body: ReturnShipmentIn, db: Db,
                    caller: CurrentCaller) -> AfterSalesOut:
    """The shopper sent the goods back (approved return or exchange)."""
    with db.begin():
        return request_out(service.record_return_shipment(
            session=db, request_id=request_id, user_id=_owner(caller), carrier=body.carrier,
            tracking_number=body.tracking_number))


@router.post("/v1/after-sales/{request_id}/withdraw", response_model=AfterSalesOut)
def withdraw(request_id: RequestPath, db: Db, caller: CurrentCaller) -> AfterSalesOut:
    with db.begin():
        return request_out(service.withdraw(session=db, request_id=request_id,
                                            user_id=_owner(caller)))


@router.get("/v1/admin/after-sales", response_model=AfterSalesPage)
def list_requests(db: ReadDb, _: OrdersCaller, status: Status | None = None,
                  limit: Annotated[int, Query(ge=1, le=100)] = 20,
                  offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> AfterSalesPage:
    with db.begin():
        rows, total = service.list_requests(session=db, status=status, limit=limit,
                                            offset=offset)
        return AfterSalesPage(items=[request_out(r) for r in rows], total=total, limit=limit,
                              offset=offset)


@router.post("/v1/admin/after-sales/{request_id}/decision", response_model=AfterSalesOut)
def decide(request_id: RequestPath, body: DecisionIn, db: Db,
           caller: OrdersCaller) -> AfterSalesOut:
    """Approve or reject with a reason. An approved refund-only request is refunded at once
    through the channel that took the money."""
    with db.begin():
        return request_out(service.decide(session=db, request_id=request_id,
                                          decision=body.decision, reason=body.reason,
                                          actor_id=caller.id))


@router.post("/v1/admin/after-sales/{request_id}/inspection", response_model=AfterSalesOut)
def inspection(request_id: RequestPath, body: InspectionIn, db: Db, caller: OrdersCaller,
               settings: SettingsDep) -> AfterSalesOut:
    """The goods arrived: accepted units go back on hand and are refunded, or replaced."""
    accepted = {line.sku_id: line.accepted_quantity for line in body.lines}
    if len(accepted) != len(body.lines):
        raise Unprocessable("one inspection line per SKU", code="duplicate_lines")
    with db.begin():
        return request_out(service.inspect_return(
            session=db, request_id=request_id, accepted=accepted, note=body.note,
            actor_id=caller.id, settle=body.settle,
            strategy=load_strategy(settings.allocation_strategy)))
