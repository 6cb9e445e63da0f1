"""After-sales: a shopper's request on a sub-order's lines (refund only before shipping,
return and refund or exchange after delivery), the merchant's or operator's decision, the
return shipment. Inspection and money are in settlement.py, replacements in exchange.py.

Every transition locks the parent order first (requests.lock), checks the request's state
machine (machine.py; 409 for an illegal move, nothing changed) and writes its event to the
outbox in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.aftersales import amounts, machine, requests, settlement
from transactional_api.aftersales.models import AfterSalesLine, AfterSalesRequest
from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import aftersales_events as ae
from transactional_api.inventory import allocation
from transactional_api.orders import service as orders
from transactional_api.orders import state, suborders
from transactional_api.orders.models import OrderItem, SubOrder

DEFAULT_RETURN_WINDOW_DAYS = 30
REFUNDABLE_BEFORE_SHIPPING = frozenset({state.ALLOCATED, state.PICKING, state.PACKED})
RETURNABLE = frozenset({state.SUB_DELIVERED, state.SUB_COMPLETED})


def open_request(*, session: Session, order_id: str, user_id: str | None, type: str,
                 sub_order_id: str, lines: dict[str, int], reason_code: str,
                 note: str | None = None, exchange_sku_id: str | None = None,
                 return_window_days: int = DEFAULT_RETURN_WINDOW_DAYS) -> AfterSalesRequest:
    """``lines``: SKU -> units of this sub-order's lines. ``user_id`` None: an operator
    opening it on the shopper's behalf."""
    order = orders.get_order(session=session, order_id=order_id, user_id=user_id)
    sub = suborders.get_sub_order(session=session, sub_order_id=sub_order_id)
    if sub.order_id != order.id:
        raise NotFound("sub-order not found", code="sub_order_not_found")
    order = suborders.parent_locked(session, sub)
    _check_eligible(sub, type, return_window_days)
    if sub.after_sales_open:
        raise Conflict("this sub-order already has an open after-sales request",
                       code="after_sales_open")
    items = {i.sku_id: i for i in order.items if i.sub_order_id == sub.id}
    unknown = sorted(set(lines) - set(items))
    if unknown:
        raise Unprocessable("these SKUs are not in the sub-order", code="not_in_sub_order",
                            details={"sku_ids": unknown})
    taken = amounts.taken_units(session, [i.id for i in items.values()])
    over = {s: items[s].quantity - taken.get(items[s].id, 0) for s, q in lines.items()
            if q > items[s].quantity - taken.get(items[s].id, 0)}
    if over:
        raise Conflict("more units than were bought and not yet requested",
                       code="quantity_exceeds_purchased", details={"available": over})
    if type == machine.EXCHANGE:
        _check_exchange(session, items, lines, exchange_sku_id, order.currency)
    elif exchange_sku_id is not None:
        raise Unprocessable("exchange_sku_id is for exchanges only", code="not_an_exchange")
    now = clock.now()
    req = AfterSalesRequest(
        order_id=order.id, sub_order_id=sub.id, open_sub_order_id=sub.id,
        user_id=order.user_id, merchant_id=sub.merchant_id, type=type,
        status=machine.REQUESTED, reason_code=reason_code, note=note,
        exchange_sku_id=exchange_sku_id, currency=sub.currency, refunded_cents=0,
        exchanged_cents=0, created_at=now, updated_at=now,
        requested_cents=sum(amounts.share(items[s], already=taken.get(items[s].id, 0),
                                          quantity=q).total_cents for s, q in lines.items()))
    req.lines = [AfterSalesLine(order_item_id=items[s].id, sku_id=s,
                                warehouse_id=items[s].warehouse_id, quantity=q,
                                settled_quantity=0, refunded_cents=0)
                 for s, q in sorted(lines.items())]
    session.add(req)
    session.flush()
    sub.after_sales_open, sub.updated_at = True, now
    suborders.emit_for(session, order, ae.AfterSalesRequested, ae.AfterSalesRequestedPayload(
        request_id=req.id, order_id=order.id, sub_order_id=sub.id,
        merchant_id=sub.merchant_id, type=type, reason_code=reason_code,
        lines=requests.line_payloads(req), exchange_sku_id=exchange_sku_id,
        requested_cents=req.requested_cents, currency=req.currency), at=now)
    suborders.sync(session, order, at=now)
    return req


def _check_eligible(sub: SubOrder, type: str, window_days: int) -> None:
    if sub.kind == "virtual":
        raise Unprocessable("virtual goods have no return or refund flow",
                            code="virtual_not_returnable")
    if type == machine.REFUND_ONLY:
        if sub.status == state.AWAITING_PAYMENT:
            raise Conflict("the order is not paid: cancel it instead", code="order_unpaid")
        if sub.status not in REFUNDABLE_BEFORE_SHIPPING:
            raise Conflict(f"refund only is for goods not yet shipped; this sub-order is "
                           f"{sub.status}", code="not_before_shipping",
                           details={"status": sub.status})
        return
    if sub.status not in RETURNABLE:
        raise Conflict(f"returns and exchanges start once the goods are delivered; this "
                       f"sub-order is {sub.status}", code="not_delivered",
                       details={"status": sub.status})
    delivered = sub.delivered_at or sub.completed_at or sub.shipped_at
    if delivered is not None and clock.now() > delivered + timedelta(days=window_days):
        raise Conflict(f"the {window_days}-day return window has closed",
                       code="return_window_closed",
                       details={"delivered_at": delivered.isoformat(),
                                "window_days": window_days})


def _check_exchange(session: Session, items: dict[str, OrderItem], lines: dict[str, int],
                    exchange_sku_id: str | None, currency: str) -> None:
    """Another SKU of the same product, at the price the returned one was listed at: the
    returned units pay for the replacement, so nothing is charged or refunded."""
    if exchange_sku_id is None:
        raise Unprocessable("an exchange names the SKU wanted instead",
                            code="exchange_sku_required")
    if len(lines) != 1:
        raise Unprocessable("an exchange swaps the units of one line", code="exchange_one_line")
    (sku_id,) = lines
    item = items[sku_id]
    found = catalog.skus_for_order(session=session, sku_ids=[exchange_sku_id], strict=False)
    wanted = found.get(exchange_sku_id)
    if wanted is None or exchange_sku_id == sku_id or wanted.product.id != item.product_id:
        raise Unprocessable("the exchange must be another listed SKU of the same product",
                            code="invalid_exchange_sku")
    if wanted.kind != "standard" or item.sku_kind != "standard":
        raise Unprocessable("only stocked standard SKUs are exchanged",
                            code="exchange_not_supported", details={"kind": wanted.kind})
    if wanted.sku.price_cents != item.list_price_cents or wanted.sku.currency != currency:
        raise Unprocessable("the other SKU is priced differently: return this one and buy "
                            "that one instead", code="exchange_price_differs",
                            details={"list_price_cents": item.list_price_cents,
                                     "exchange_price_cents": wanted.sku.price_cents})


def decide(*, session: Session, request_id: str, decision: str, reason: str,
           actor_id: str | None) -> AfterSalesRequest:
    """Reject closes the request. Approve refunds a refund-only request at once (and
    cancels the units); a return waits for the goods."""
    at = requests.lock(session, request_id, None)
    req, now = at.request, clock.now()
    requests.move(at, machine.APPROVED if decision == "approve" else machine.REJECTED, now)
    req.decision, req.decision_reason = decision, reason
    req.decided_by, req.decided_at = actor_id, now
    requests.emit(session, at, ae.AfterSalesDecided, ae.AfterSalesDecidedPayload(
        request_id=req.id, order_id=req.order_id, sub_order_id=req.sub_order_id,
        type=req.type, reason_code=req.reason_code, decision=decision, reason=reason,
        actor_id=actor_id), now)
    if decision == "reject":
        requests.close(session, at, machine.RES_REJECTED, now)
    elif req.type == machine.REFUND_ONLY:
        settlement.refund_before_shipping(session, at, actor_id=actor_id)
    return req


def record_return_shipment(*, session: Session, request_id: str, user_id: str | None,
                           carrier: str, tracking_number: str) -> AfterSalesRequest:
    at = requests.lock(session, request_id, user_id)
    req, now = at.request, clock.now()
    if req.type == machine.REFUND_ONLY:
        raise Conflict("a refund-only request has nothing to send back",
                       code="illegal_transition",
                       details={"from": req.status, "to": machine.RETURN_IN_TRANSIT})
    requests.move(at, machine.RETURN_IN_TRANSIT, now)
    req.carrier, req.tracking_number, req.return_shipped_at = carrier, tracking_number, now
    requests.emit(session, at, ae.ReturnShipped, ae.ReturnShippedPayload(
        request_id=req.id, order_id=req.order_id, sub_order_id=req.sub_order_id,
        type=req.type, carrier=carrier, tracking_number=tracking_number), now)
    return req


def withdraw(*, session: Session, request_id: str, user_id: str | None) -> AfterSalesRequest:
    """The shopper changes their mind before the goods travel."""
    at = requests.lock(session, request_id, user_id)
    if at.request.status not in (machine.REQUESTED, machine.APPROVED):
        raise Conflict(f"a request that is {at.request.status} can no longer be withdrawn",
                       code="illegal_transition",
                       details={"from": at.request.status, "to": machine.CLOSED})
    requests.close(session, at, machine.RES_WITHDRAWN)
    return at.request


def inspect_return(*, session: Session, request_id: str, accepted: dict[str, int],
                   note: str | None, actor_id: str | None, settle: str = "as_requested",
                   strategy: allocation.Strategy = allocation.prefer_single_location
                   ) -> AfterSalesRequest:
    at = requests.lock(session, request_id, None)
    settlement.inspect(session, at, accepted=accepted, note=note, actor_id=actor_id,
                       settle=settle, strategy=strategy)
    return at.request


def get_request(*, session: Session, request_id: str,
                user_id: str | None) -> AfterSalesRequest:
    return requests.get(session, request_id, user_id)


def list_for_order(*, session: Session, order_id: str,
                   user_id: str | None) -> list[AfterSalesRequest]:
    orders.get_order(session=session, order_id=order_id, user_id=user_id)  # 404 for others
    return list(session.scalars(select(AfterSalesRequest)
                                .where(AfterSalesRequest.order_id == order_id)
                                .order_by(AfterSalesRequest.created_at, AfterSalesRequest.id)))


def list_requests(*, session: Session, status: str | None, limit: int,
                  offset: int, merchant_id: str | None = None
                  ) -> tuple[list[AfterSalesRequest], int]:
    base = select(AfterSalesRequest)
    if status is not None:
        base = base.where(AfterSalesRequest.status == status)
    if merchant_id is not None:
        base = base.where(AfterSalesRequest.merchant_id == merchant_id)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(base.order_by(AfterSalesRequest.created_at, AfterSalesRequest.id)
                           .limit(limit).offset(offset))
    return list(rows), total


def cancelled_units(*, session: Session, sub_order_id: str) -> dict[str, int]:
    """SKU -> units of the sub-order refunded before shipping (refund only): fulfilment
    ships the line's quantity less these."""
    rows = session.execute(
        select(AfterSalesLine.sku_id, func.sum(AfterSalesLine.settled_quantity))
        .join(AfterSalesRequest, AfterSalesRequest.id == AfterSalesLine.request_id)
        .where(AfterSalesRequest.sub_order_id == sub_order_id,
               AfterSalesRequest.type == machine.REFUND_ONLY)
        .group_by(AfterSalesLine.sku_id))
    return {sku: int(n) for sku, n in rows if n}


def refunded_cents(*, session: Session, sub_order_id: str) -> int:
    """What after-sales has refunded for the sub-order so far (an interception of the rest
    refunds the sub-order's total less this)."""
    return int(session.scalar(
        select(func.coalesce(func.sum(AfterSalesRequest.refunded_cents), 0))
        .where(AfterSalesRequest.sub_order_id == sub_order_id)) or 0)
