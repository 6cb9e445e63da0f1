"""Loading a request under the order's lock, moving it, closing it: the steps every
transition shares.

Lock order, everywhere: the parent order first (suborders.parent_locked), then the request
row. Every transition of every request of an order serialises on the parent, so two
decisions on one order can never both spend the same captured money, and a request and a
fulfilment move on one sub-order never interleave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.aftersales import machine
from transactional_api.aftersales.models import AfterSalesRequest
from transactional_api.core import clock
from transactional_api.core.errors import NotFound
from transactional_api.events import aftersales_events as ae
from transactional_api.orders import suborders
from transactional_api.orders.models import Order, OrderItem, SubOrder


@dataclass
class Locked:
    request: AfterSalesRequest
    order: Order
    sub: SubOrder

    def items(self) -> dict[int, OrderItem]:
        return {i.id: i for i in self.order.items if i.sub_order_id == self.sub.id}


def get(session: Session, request_id: str, user_id: str | None) -> AfterSalesRequest:
    """user_id None: an operator, who sees every request; a shopper sees only theirs."""
    req = session.get(AfterSalesRequest, request_id)
    if req is None or (user_id is not None and req.user_id != user_id):
        raise NotFound("after-sales request not found", code="after_sales_not_found")
    return req


def lock(session: Session, request_id: str, user_id: str | None) -> Locked:
    req = get(session, request_id, user_id)
    sub = suborders.get_sub_order(session=session, sub_order_id=req.sub_order_id)
    order = suborders.parent_locked(session, sub)
    req = session.scalar(select(AfterSalesRequest).where(AfterSalesRequest.id == request_id)
                         .with_for_update().execution_options(populate_existing=True))
    return Locked(request=req, order=order, sub=sub)


def move(at: Locked, target: str, now: datetime) -> None:
    machine.check(at.request.status, target)
    at.request.status, at.request.updated_at = target, now


def emit(session: Session, at: Locked, event_cls, payload, now: datetime) -> None:
    suborders.emit_for(session, at.order, event_cls, payload, at=now)


def close(session: Session, at: Locked, resolution: str, now: datetime | None = None) -> None:
    """The request ends: the sub-order is no longer in after-sales and the parent's status
    is derived again (after_sales -> whatever its sub-orders now say)."""
    now = now or clock.now()
    req = at.request
    move(at, machine.CLOSED, now)
    req.resolution, req.closed_at, req.open_sub_order_id = resolution, now, None
    at.sub.after_sales_open, at.sub.updated_at = False, now
    emit(session, at, ae.AfterSalesClosed, ae.AfterSalesClosedPayload(
        request_id=req.id, order_id=req.order_id, sub_order_id=req.sub_order_id,
        type=req.type, reason_code=req.reason_code, resolution=resolution,
        refunded_cents=req.refunded_cents, exchanged_cents=req.exchanged_cents,
        currency=req.currency, opened_at=req.created_at,
        replacement_sub_order_id=req.replacement_sub_order_id), now)
    suborders.sync(session, at.order, at=now)


def line_payloads(req: AfterSalesRequest, *, inspected: bool = False
                  ) -> list[ae.AfterSalesLinePayload]:
    return [ae.AfterSalesLinePayload(
        sku_id=ln.sku_id, quantity=ln.quantity, warehouse_id=ln.warehouse_id,
        accepted_quantity=ln.accepted_quantity if inspected else None) for ln in req.lines]
