"""Orders: the lifecycle after placement (placement.py): payment, cancellation, shipping,
completion, returns, the unpaid-order sweeper.

Every state change writes its contract event to the outbox in the same transaction.
Rows are locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers with
BEGIN IMMEDIATE) before a transition is checked, so two racing transitions cannot both win.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from transactional_api.events import contract as ev
from transactional_api.events.contract import Context
from transactional_api.events.outbox import emit
from transactional_api.inventory import service as inventory
from transactional_api.members import redemption
from transactional_api.orders import state, suborders, virtual
from transactional_api.orders.models import Order
from transactional_api.orders.placement import place_order, preview  # noqa: F401 (public)


def get_order(*, session: Session, order_id: str, user_id: str | None, lock: bool = False) -> Order:
    """user_id None means an operator: any order is visible."""
    stmt = select(Order).where(Order.id == order_id)
    if lock:
        stmt = stmt.with_for_update()
    order = session.scalar(stmt)
    if order is None or (user_id is not None and order.user_id != user_id):
        raise NotFound("order not found")
    return order


def statuses(*, session: Session, order_ids: list[str]) -> dict[str, str]:
    """order id -> its customer-facing status (unknown ids are absent)."""
    if not order_ids:
        return {}
    return dict(session.execute(select(Order.id, Order.status)
                                .where(Order.id.in_(sorted(set(order_ids))))).all())


def by_idempotency_keys(*, session: Session, keys: list[str]) -> dict[str, list[str]]:
    """idempotency key -> the ids of the orders placed under it (any user's)."""
    out: dict[str, list[str]] = {}
    for chunk in range(0, len(keys), 500):
        for key, order_id in session.execute(select(Order.idempotency_key, Order.id).where(
                Order.idempotency_key.in_(keys[chunk:chunk + 500]))):
            out.setdefault(key, []).append(order_id)
    return out


def list_orders(
    *, session: Session, user_id: str, limit: int, offset: int
) -> tuple[list[Order], int]:
    base = select(Order).where(Order.user_id == user_id)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(base.order_by(Order.created_at.desc(), Order.id)
                           .limit(limit).offset(offset))
    return list(rows), total


def cancel_order(*, session: Session, order_id: str, user_id: str | None, reason: str) -> Order:
    order = get_order(session=session, order_id=order_id, user_id=user_id, lock=True)
    _cancel(session, order, reason)
    return order


def mark_paid(*, session: Session, order_id: str, payment_id: str, amount_cents: int,
              paid_at: datetime) -> bool:
    """Applies a confirmed payment once; False when the order can no longer take it."""
    order = get_order(session=session, order_id=order_id, user_id=None, lock=True)
    if order.status != state.PENDING_PAYMENT:
        return False
    if amount_cents != order.total_cents:
        raise Conflict("payment amount differs from the order total", code="amount_mismatch")
    if not inventory.commit(session=session, order_id=order.id, at=paid_at):
        # The hold lapsed before the money arrived and the units may be sold: refund.
        _cancel(session, order, "reservation_lapsed")
        return False
    order.paid_at = paid_at
    _emit(session, order, ev.OrderPaid, {"order_id": order.id, "payment_id": payment_id,
                                          "amount_cents": amount_cents,
                                          "currency": order.currency,
                                          "points_spent": order.points_spent or 0,
                                          "points_discount_cents":
                                              order.points_discount_cents or 0},
          occurred_at=paid_at)
    for sub in order.sub_orders:
        # a pause holds goods, not money: a held sub-order (a group buy's seat) takes its
        # payment and stays paused until resumed
        suborders.advance(session, order, sub, state.ALLOCATED, at=paid_at, ignore_pause=True)
    units: dict[str, int] = {}
    for i in order.items:
        units[i.product_id] = units.get(i.product_id, 0) + i.quantity
    catalog.record_sales(session=session, units=units)
    virtual.fulfil_lines(session=session, order=order, payment_id=payment_id, at=paid_at)
    suborders.sync(session, order, at=paid_at)
    return True


def record_payment_failure(*, session: Session, order_id: str, payment_id: str, reason: str,
                           occurred_at: datetime) -> None:
    order = get_order(session=session, order_id=order_id, user_id=None)
    _emit(session, order, ev.PaymentFailed, {"order_id": order.id, "payment_id": payment_id,
                                              "reason": reason[:200]}, occurred_at=occurred_at)


def record_refund_due(*, session: Session, order_id: str, payment_id: str, amount_cents: int,
                      currency: str, reason: str, occurred_at: datetime) -> None:
    order = get_order(session=session, order_id=order_id, user_id=None)
    _emit(session, order, ev.PaymentRefundDue, {
        "order_id": order.id, "payment_id": payment_id, "amount_cents": amount_cents,
        "currency": currency, "reason": reason}, occurred_at=occurred_at)


def is_owner(*, session: Session, order_id: str, user_id: str) -> bool:
    return session.scalar(select(Order.user_id).where(Order.id == order_id)) == user_id


def ship_order(*, session: Session, order_id: str) -> Order:
    """Operator shortcut: every sub-order still before shipping goes through picking and
    packing to shipped (shipments with carriers go through fulfilment instead)."""
    order = get_order(session=session, order_id=order_id, user_id=None, lock=True)
    ready = [s for s in order.sub_orders if s.kind != "virtual" and s.status in (
        state.ALLOCATED, state.PICKING, state.PACKED)]
    if not ready:
        raise Conflict(f"cannot move an order from {order.status} to shipped: nothing to ship",
                       code="illegal_transition", details={"from": order.status,
                                                           "to": state.SHIPPED})
    for sub in ready:
        for target in state.FORWARD_TO_SHIPPED[state.FORWARD_TO_SHIPPED.index(
                _next(sub.status)):]:
            suborders.advance(session, order, sub, target)
    suborders.sync(session, order)
    return order


def _next(status: str) -> str:
    return {state.ALLOCATED: state.PICKING, state.PICKING: state.PACKED,
            state.PACKED: state.SUB_SHIPPED}[status]


def complete_order(*, session: Session, order_id: str) -> Order:
    """Operator shortcut: shipped sub-orders are delivered and everything delivered completes."""
    order = get_order(session=session, order_id=order_id, user_id=None, lock=True)
    if order.status not in (state.SHIPPED, state.DELIVERED):
        raise Conflict(f"cannot move an order from {order.status} to completed",
                       code="illegal_transition", details={"from": order.status,
                                                           "to": state.COMPLETED})
    for sub in order.sub_orders:
        if sub.status == state.SUB_SHIPPED:
            suborders.advance(session, order, sub, state.SUB_DELIVERED)
        if sub.status == state.SUB_DELIVERED:
            suborders.advance(session, order, sub, state.SUB_COMPLETED)
    suborders.sync(session, order)
    return order


def accept_return(*, session: Session, order_id: str, sku_id: str, quantity: int,
                  actor_id: str | None) -> Order:
    """Returned goods received back: the units go on hand again (refunds and the
    shopper-facing after-sales flow build on this)."""
    order = get_order(session=session, order_id=order_id, user_id=None, lock=True)
    if order.status in (state.PENDING_PAYMENT, state.CANCELLED):
        raise Conflict(f"an order that is {order.status} has nothing to return",
                       code="not_returnable")
    line = next((i for i in order.items if i.sku_id == sku_id), None)
    if line is None or line.sku_kind == "virtual":
        raise Unprocessable("no returnable line for this SKU", code="nothing_to_return")
    inventory.restock_return(session=session, order_id=order.id, line_sku_id=sku_id,
                             quantity=quantity, actor_id=actor_id)
    return order


def expire_unpaid(*, session: Session, limit: int = 500) -> int:
    """Cancel unpaid orders past their payment deadline and give their stock back."""
    overdue = list(session.scalars(
        select(Order).where(Order.status == state.PENDING_PAYMENT, Order.expires_at <= clock.now())
        .order_by(Order.expires_at).limit(limit).with_for_update(skip_locked=True)))
    for order in overdue:
        _cancel(session, order, "payment_timeout")
    return len(overdue)


def payable(*, session: Session, order_id: str, user_id: str) -> Order:
    order = get_order(session=session, order_id=order_id, user_id=user_id, lock=True)
    if order.status != state.PENDING_PAYMENT:
        raise Conflict(f"order is {order.status}, not awaiting payment", code="not_payable")
    if order.expires_at <= clock.now():
        raise Conflict("the payment deadline has passed", code="payment_deadline_passed")
    return order


def required_payment_channel(order: Order) -> str | None:
    """The channel an order must be paid with: the one its payment-channel reduction was
    priced for (None when it got none)."""
    if order.payment_channel and any(a.lane == "payment" for a in order.adjustments):
        return order.payment_channel
    return None


def extend_payment_deadline(*, session: Session, order_id: str, until: datetime) -> Order:
    """A slow channel (bank transfer) keeps the order and its stock held until ``until``."""
    order = get_order(session=session, order_id=order_id, user_id=None, lock=True)
    if order.status != state.PENDING_PAYMENT:
        raise Conflict(f"order is {order.status}, not awaiting payment", code="not_payable")
    if until > order.expires_at:
        if order.items and any(i.sku_kind != "virtual" for i in order.items) and \
                not inventory.extend(session=session, order_id=order.id, until=until):
            raise Conflict("the stock hold has lapsed", code="payment_deadline_passed")
        order.expires_at = until
        order.updated_at = clock.now()
    return order


def ensure_owner(order: Order, user_id: str) -> None:
    if order.user_id != user_id:
        raise Forbidden("not your order")


def _cancel(session: Session, order: Order, reason: str) -> None:
    """An unpaid order ends: every sub-order is cancelled, the stock and the points it was
    placed with return."""
    if order.status != state.PENDING_PAYMENT:
        raise Conflict(f"cannot move an order from {order.status} to cancelled",
                       code="illegal_transition",
                       details={"from": order.status, "to": state.CANCELLED})
    now = clock.now()
    order.cancel_reason = reason
    inventory.release(session=session, order_id=order.id)
    if order.points_spent:
        redemption.give_back_all(session, order_id=order.id, at=now,
                                 reason=f"order {order.id} cancelled ({reason})"[:200])
    for sub in order.sub_orders:
        suborders.advance(session, order, sub, state.SUB_CANCELLED, reason=reason, at=now,
                          ignore_pause=True)
    suborders.sync(session, order, at=now, reason=reason)


def _emit(session: Session, order: Order, event_cls, payload: dict,
          occurred_at: datetime | None = None) -> None:
    emit(session=session, event=event_cls(
        occurred_at=occurred_at or clock.now(), user_id=order.user_id,
        anonymous_id=order.anonymous_id, session_id=order.session_id,
        context=Context(utm_source=order.utm_source, utm_medium=order.utm_medium,
                        utm_campaign=order.utm_campaign),
        payload=payload))
