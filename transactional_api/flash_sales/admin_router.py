"""Operators schedule flash sales, arm or end them early, and read the reconciliation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from transactional_api.core.db import transaction
from transactional_api.core.deps import MarketingCaller, ReadDb
from transactional_api.flash_sales import hot, reconcile, service, worker
from transactional_api.flash_sales.models import CANCELLED, ENDED
from transactional_api.flash_sales.schemas import AdminSaleOut, SaleIn

router = APIRouter(tags=["flash sales"])
SaleId = Annotated[str, Path(min_length=1, max_length=36)]


def _admin_out(request: Request, sale) -> AdminSaleOut:
    live = hot.state(request.app.state.redis, sale.id)
    return AdminSaleOut(
        id=sale.id, name=sale.name, sku_id=sale.sku_id, merchant_id=sale.merchant_id,
        currency=sale.currency, list_price_cents=sale.list_price_cents,
        flash_price_cents=sale.flash_price_cents, quantity=sale.quantity,
        per_user_limit=sale.per_user_limit, starts_at=sale.starts_at, ends_at=sale.ends_at,
        audience_id=sale.audience_id, payment_window_seconds=sale.payment_window_seconds,
        status=sale.status, left=live["pool"], warehouse_id=sale.warehouse_id,
        held_units=sale.held_units, armed_at=sale.armed_at, ended_at=sale.ended_at,
        counters=live["counters"], reconciliation=sale.reconciliation)


@router.post("/v1/admin/flash-sales", response_model=AdminSaleOut, status_code=201)
def create(request: Request, body: SaleIn, caller: MarketingCaller) -> AdminSaleOut:
    with transaction(request.app.state.sessions) as s:
        sale = service.create(s, actor_id=caller.id, **body.model_dump())
    return _admin_out(request, sale)


@router.get("/v1/admin/flash-sales", response_model=list[AdminSaleOut])
def listing(request: Request, session: ReadDb, caller: MarketingCaller,
            limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[AdminSaleOut]:
    return [_admin_out(request, s) for s in service.listing(session, limit=limit)]


@router.get("/v1/admin/flash-sales/{sale_id}", response_model=AdminSaleOut)
def one(request: Request, sale_id: SaleId, session: ReadDb,
        caller: MarketingCaller) -> AdminSaleOut:
    return _admin_out(request, service.get(session, sale_id))


@router.post("/v1/admin/flash-sales/{sale_id}/arm", response_model=AdminSaleOut)
def arm(request: Request, sale_id: SaleId, caller: MarketingCaller) -> AdminSaleOut:
    """Hold the stock and preload Redis now rather than flash_arm_ahead_seconds before the
    start (409 out_of_stock when no location has the quantity)."""
    sale = service.arm(request.app.state.sessions, request.app.state.redis, sale_id)
    return _admin_out(request, sale)


@router.post("/v1/admin/flash-sales/{sale_id}/end", response_model=AdminSaleOut)
def end(request: Request, sale_id: SaleId, caller: MarketingCaller,
        cancel: bool = False) -> AdminSaleOut:
    """Close the pool now (cancel=true: record it as cancelled). Won reservations still
    become orders; the rest of the hold goes back to the shop once they have."""
    sessions, client = request.app.state.sessions, request.app.state.redis
    worker.drain(sessions, client, queue=request.app.state.settings.flash_queue)
    sale, _ = service.finish(sessions, client, sale_id, status=CANCELLED if cancel else ENDED)
    return _admin_out(request, sale)


@router.get("/v1/admin/flash-sales/{sale_id}/reconciliation")
def reconciliation(request: Request, sale_id: SaleId, session: ReadDb,
                   caller: MarketingCaller) -> dict:
    """Redis, the stock ledger and the orders compared now (for an ended sale: the record
    made when it ended, and a fresh one)."""
    sale = service.get(session, sale_id)
    return {"at_end": sale.reconciliation,
            "now": reconcile.report(session, request.app.state.redis, sale)}
