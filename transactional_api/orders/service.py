"""Orders: placement with price snapshots and atomic stock reservation, and the lifecycle.

Every state change writes its contract event to the outbox in the same transaction.
Rows are locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers with
BEGIN IMMEDIATE) before a transition is checked, so two racing transitions cannot both win.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.cart import service as cart
from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from transactional_api.events import contract as ev
from transactional_api.events.contract import Context
from transactional_api.events.outbox import emit
from transactional_api.inventory import service as inventory
from transactional_api.inventory.allocation import Strategy, prefer_single_location
from transactional_api.orders import state, virtual
from transactional_api.orders.models import Order, OrderItem


def place_order(
    *,
    session: Session,
    user_id: str,
    items: dict[str, int] | None,
    session_id: str | None,
    anonymous_id: str | None,
    context: Context,
    idempotency_key: str | None,
    payment_timeout_seconds: int,
    recipients: dict[str, str] | None = None,
    shipping_region: str | None = None,
    allocation_strategy: Strategy = prefer_single_location,
) -> tuple[Order, bool]:
    """Returns (order, created). A repeated idempotency key returns the first order."""
    recipients = recipients or {}
    fingerprint = _fingerprint(items, session_id, anonymous_id, context,
                               recipients, shipping_region)
    if idempotency_key:
        existing = session.scalar(select(Order).where(
            Order.user_id == user_id, Order.idempotency_key == idempotency_key))
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise Unprocessable("this Idempotency-Key was used for a different request",
                                    code="idempotency_key_reused")
            return existing, False
    from_cart = items is None
    lines = cart.lines(session=session, user_id=user_id) if from_cart else items
    if not lines:
        raise Unprocessable("the cart is empty", code="empty_cart")
    found = catalog.skus_for_order(session=session, sku_ids=list(lines))
    unknown = sorted(set(lines) - set(found))
    if unknown:
        raise Unprocessable("unknown SKU", code="unknown_sku", details={"sku_ids": unknown})
    too_many = sorted(s for s, q in lines.items() if q > cart.MAX_QUANTITY)
    if too_many:
        raise Unprocessable(f"at most {cart.MAX_QUANTITY} units of one SKU per order",
                            code="quantity_too_large", details={"sku_ids": too_many})
    _check_recipients(found, lines, recipients)
    currencies = {found[s].sku.currency for s in lines}
    if len(currencies) != 1:
        raise Unprocessable("items are priced in different currencies", code="mixed_currency")

    now = clock.now()
    order = Order(id=new_id(), user_id=user_id, status=state.PENDING_PAYMENT,
                  currency=currencies.pop(), subtotal_cents=0, discount_cents=0, total_cents=0,
                  idempotency_key=idempotency_key, request_fingerprint=fingerprint,
                  session_id=session_id,
                  anonymous_id=anonymous_id, utm_source=context.utm_source,
                  utm_medium=context.utm_medium, utm_campaign=context.utm_campaign,
                  shipping_region=shipping_region, created_at=now, updated_at=now,
                  expires_at=now + timedelta(seconds=payment_timeout_seconds))
    for sku_id in sorted(lines):
        sku, product = found[sku_id].sku, found[sku_id].product
        qty = lines[sku_id]
        order.items.append(OrderItem(sku_id=sku.id, product_id=product.id,
                                     product_name=product.name, sku_name=sku.name,
                                     unit_price_cents=sku.price_cents, quantity=qty,
                                     line_total_cents=sku.price_cents * qty,
                                     merchant_id=product.merchant_id, sku_kind=sku.kind,
                                     recipient=recipients.get(sku_id)))
    order.subtotal_cents = sum(i.line_total_cents for i in order.items)
    order.total_cents = order.subtotal_cents - order.discount_cents
    if order.subtotal_cents > ev.MAX_CENTS:
        raise Unprocessable(f"an order may total at most {ev.MAX_CENTS} cents",
                            code="order_total_too_large")
    session.add(order)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("idempotency key is being used by another request",
                       code="idempotency_conflict") from exc
    inventory.reserve(session=session, order_id=order.id, region=shipping_region,
                      lines={s: q for s, q in lines.items() if found[s].kind != "virtual"},
                      reserved_until=order.expires_at, strategy=allocation_strategy,
                      kinds={s: found[s].kind for s in lines})
    if from_cart:
        cart.clear(session=session, user_id=user_id)
    _emit(session, order, ev.OrderCreated, {
        "order_id": order.id, "currency": order.currency, "total_cents": order.total_cents,
        "items": [{"sku_id": i.sku_id, "product_id": i.product_id, "quantity": i.quantity,
                   "unit_price_cents": i.unit_price_cents} for i in order.items]})
    return order, True


def _check_recipients(found: dict, lines: dict[str, int], recipients: dict[str, str]) -> None:
    missing = sorted(s for s in lines if found[s].kind == "virtual" and s not in recipients)
    if missing:
        raise Unprocessable("virtual goods need a recipient account", code="recipient_required",
                            details={"sku_ids": missing})
    stray = sorted(s for s in recipients if s not in lines or found[s].kind != "virtual")
    if stray:
        raise Unprocessable("only virtual goods take a recipient", code="recipient_not_allowed",
                            details={"sku_ids": stray})


def _fingerprint(items: dict[str, int] | None, session_id: str | None,
                 anonymous_id: str | None, context: Context, recipients: dict[str, str],
                 shipping_region: str | None) -> str:
    request = {"items": sorted(items.items()) if items is not None else "cart",
               "session_id": session_id, "anonymous_id": anonymous_id,
               "context": context.model_dump(), "recipients": sorted(recipients.items()),
               "shipping_region": shipping_region}
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


def get_order(*, session: Session, order_id: str, user_id: str | None, lock: bool = False) -> Order:
    """user_id None means an operator: any order is visible."""
    stmt = select(Order).where(Order.id == order_id)
    if lock:
        stmt = stmt.with_for_update()
    order = session.scalar(stmt)
    if order is None or (user_id is not None and order.user_id != user_id):
        raise NotFound("order not found")
    return order


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
    _transition(order, state.PAID)
    order.paid_at = paid_at
    _emit(session, order, ev.OrderPaid, {"order_id": order.id, "payment_id": payment_id,
                                          "amount_cents": amount_cents,
                                          "currency": order.currency}, occurred_at=paid_at)
    units: dict[str, int] = {}
    for i in order.items:
        units[i.product_id] = units.get(i.product_id, 0) + i.quantity
    catalog.record_sales(session=session, units=units)
    virtual.fulfil_lines(session=session, order=order, payment_id=payment_id, at=paid_at)
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
    order = get_order(session=session, order_id=order_id, user_id=None, lock=True)
    _transition(order, state.SHIPPED)
    order.shipped_at = clock.now()
    _emit(session, order, ev.OrderShipped, {"order_id": order.id})
    return order


def complete_order(*, session: Session, order_id: str) -> Order:
    order = get_order(session=session, order_id=order_id, user_id=None, lock=True)
    _transition(order, state.COMPLETED)
    order.completed_at = clock.now()
    _emit(session, order, ev.OrderCompleted, {"order_id": order.id})
    return order


def accept_return(*, session: Session, order_id: str, sku_id: str, quantity: int,
                  actor_id: str | None) -> Order:
    """Returned goods received back: the units go on hand again (refunds and the
    shopper-facing after-sales flow build on this)."""
    order = get_order(session=session, order_id=order_id, user_id=None, lock=True)
    if order.status not in (state.PAID, state.SHIPPED, state.COMPLETED):
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
    _transition(order, state.CANCELLED)
    order.cancelled_at = clock.now()
    order.cancel_reason = reason
    inventory.release(session=session, order_id=order.id)
    _emit(session, order, ev.OrderCancelled, {"order_id": order.id, "reason": reason})


def _transition(order: Order, target: str) -> None:
    state.check_transition(order.status, target)
    order.status = target
    order.updated_at = clock.now()


def _emit(session: Session, order: Order, event_cls, payload: dict,
          occurred_at: datetime | None = None) -> None:
    emit(session=session, event=event_cls(
        occurred_at=occurred_at or clock.now(), user_id=order.user_id,
        anonymous_id=order.anonymous_id, session_id=order.session_id,
        context=Context(utm_source=order.utm_source, utm_medium=order.utm_medium,
                        utm_campaign=order.utm_campaign),
        payload=payload))
