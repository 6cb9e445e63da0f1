"""Sub-orders: one per merchant and allocated location, each with its own fulfilment
machine; every transition re-derives the parent's customer-facing status and emits both."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events import contract as ev
from transactional_api.events import order_events as oe
from transactional_api.events.contract import Context
from transactional_api.events.outbox import emit
from transactional_api.orders import state
from transactional_api.orders.models import Order, SubOrder

_STAMP = {state.ALLOCATED: "paid_at", state.SUB_SHIPPED: "shipped_at",
          state.SUB_DELIVERED: "delivered_at", state.SUB_COMPLETED: "completed_at",
          state.SUB_CANCELLED: "cancelled_at"}
_ORDER_STAMP = {state.SHIPPED: "shipped_at", state.DELIVERED: "delivered_at",
                state.COMPLETED: "completed_at", state.CANCELLED: "cancelled_at"}


def get_sub_order(*, session: Session, sub_order_id: str, lock: bool = False) -> SubOrder:
    stmt = select(SubOrder).where(SubOrder.id == sub_order_id)
    if lock:
        stmt = stmt.with_for_update()
    sub = session.scalar(stmt)
    if sub is None:
        raise NotFound("sub-order not found", code="sub_order_not_found")
    return sub


def list_sub_orders(*, session: Session, merchant_id: str, status: str | None = None,
                    limit: int = 50, offset: int = 0) -> tuple[list[SubOrder], int]:
    """One merchant's sub-orders, newest first, with the total count (merchant staff's list)."""
    stmt = select(SubOrder).where(SubOrder.merchant_id == merchant_id)
    if status:
        stmt = stmt.where(SubOrder.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    subs = session.scalars(stmt.order_by(SubOrder.created_at.desc(), SubOrder.id)
                           .limit(limit).offset(offset))
    return list(subs), total


def parent_locked(session: Session, sub: SubOrder) -> Order:
    """The parent, locked: sub-order changes of one order serialise on it (fixed order:
    parent first, so two sub-orders of one order never deadlock)."""
    order = session.scalar(select(Order).where(Order.id == sub.order_id).with_for_update()
                           .execution_options(populate_existing=True))
    session.refresh(sub)
    return order


def advance(session: Session, order: Order, sub: SubOrder, target: str, *,
            reason: str | None = None, at: datetime | None = None,
            ignore_pause: bool = False) -> None:
    """Move one sub-order (the parent already locked); 409 when illegal or paused."""
    state.check_transition(sub.status, target, sub.kind)
    if sub.paused and not ignore_pause and target != state.SUB_CANCELLED:
        raise Conflict("this sub-order is paused by an operator", code="sub_order_paused",
                       details={"reason": sub.hold_reason})
    now = at or clock.now()
    before = sub.status
    sub.status, sub.updated_at = target, now
    if target in _STAMP:
        setattr(sub, _STAMP[target], now)
    if target == state.SUB_CANCELLED:
        sub.cancel_reason = reason
    emit_for(session, order, oe.SubOrderStatusChanged, oe.SubOrderStatusChangedPayload(
        sub_order_id=sub.id, order_id=order.id, merchant_id=sub.merchant_id,
        warehouse_id=sub.warehouse_id, from_status=before, to_status=target,
        reason=reason), at=now)


def sync(session: Session, order: Order, *, at: datetime | None = None,
         reason: str | None = None) -> str:
    """Re-derive the parent's status; on a change, stamp it and emit the events."""
    new = state.derive((s.status, s.after_sales_open) for s in order.sub_orders)
    old = order.status
    if new == old:
        return new
    now = at or clock.now()
    order.status, order.updated_at = new, now
    if new in _ORDER_STAMP and getattr(order, _ORDER_STAMP[new]) is None:
        setattr(order, _ORDER_STAMP[new], now)
    emit_for(session, order, oe.OrderStatusChanged, oe.OrderStatusChangedPayload(
        order_id=order.id, from_status=old, to_status=new), at=now)
    # The first-generation events stay: marts and the session model read them.
    if new == state.CANCELLED:
        order.cancel_reason = order.cancel_reason or reason
        emit_for(session, order, ev.OrderCancelled, ev.OrderCancelledPayload(
            order_id=order.id, reason=(order.cancel_reason or "cancelled")[:200]), at=now)
        # its promotions' budgets and usage come back, and its coupons if still valid
        from transactional_api.pricing import service as price_engine
        price_engine.release(session, order_id=order.id, now=now,
                             reason="order_expired" if order.cancel_reason == "payment_timeout"
                             else "order_cancelled")
    elif new == state.SHIPPED and old in (state.PAID, state.PREPARING):
        emit_for(session, order, ev.OrderShipped, ev.OrderShippedPayload(order_id=order.id),
                 at=now)
    elif new == state.COMPLETED:
        emit_for(session, order, ev.OrderCompleted, ev.OrderCompletedPayload(
            order_id=order.id), at=now)
    return new


def emit_for(session: Session, order: Order, event_cls, payload, *,
             at: datetime | None = None) -> None:
    emit(session=session, event=event_cls(
        occurred_at=at or clock.now(), user_id=order.user_id, anonymous_id=order.anonymous_id,
        session_id=order.session_id,
        context=Context(utm_source=order.utm_source, utm_medium=order.utm_medium,
                        utm_campaign=order.utm_campaign),
        payload=payload))


def emit_created(session: Session, order: Order) -> None:
    for sub in order.sub_orders:
        lines = [i for i in order.items if i.sub_order_id == sub.id]
        emit_for(session, order, oe.SubOrderCreated, oe.SubOrderCreatedPayload(
            sub_order_id=sub.id, order_id=order.id, merchant_id=sub.merchant_id,
            warehouse_id=sub.warehouse_id, kind=sub.kind, currency=sub.currency,
            subtotal_cents=sub.subtotal_cents, discount_cents=sub.discount_cents,
            shipping_cents=sub.shipping_cents, tax_cents=sub.tax_cents,
            total_cents=sub.total_cents, shipping_region=order.shipping_region,
            lines=[oe.SubOrderLinePayload(
                sku_id=i.sku_id, product_id=i.product_id, quantity=i.quantity,
                list_price_cents=i.list_price_cents, unit_price_cents=i.unit_price_cents,
                discount_cents=i.discount_cents, tax_cents=i.tax_cents,
                weight_grams=i.weight_grams) for i in lines]), at=order.created_at)
