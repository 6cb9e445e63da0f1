"""The operator's circuit breaker on one sub-order before it ships: pause, resume, or cancel
with a reason, refunding what was paid for it and putting its goods back on hand."""

from __future__ import annotations

from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict
from transactional_api.events import order_events as oe
from transactional_api.inventory import service as inventory
from transactional_api.orders import refunds, state, suborders
from transactional_api.orders.models import SubOrder


def intercept(*, session: Session, sub_order_id: str, action: str, reason: str,
              actor_id: str | None) -> SubOrder:
    sub = suborders.get_sub_order(session=session, sub_order_id=sub_order_id)
    order = suborders.parent_locked(session, sub)
    if sub.status not in state.BEFORE_SHIPPING:
        raise Conflict(f"a sub-order that is {sub.status} can no longer be intercepted",
                       code="not_interceptable", details={"status": sub.status})
    refunded = 0
    if action == "pause":
        if sub.paused:
            raise Conflict("already paused", code="already_paused")
        sub.paused, sub.hold_reason = True, reason
    elif action == "resume":
        if not sub.paused:
            raise Conflict("not paused", code="not_paused")
        sub.paused, sub.hold_reason = False, None
    else:
        if sub.status == state.AWAITING_PAYMENT:
            raise Conflict("the order is not paid: cancel the whole order instead",
                           code="order_unpaid")
        refunded = _cancel_paid(session, order, sub, reason, actor_id)
    sub.updated_at = clock.now()
    suborders.emit_for(session, order, oe.SubOrderIntercepted, oe.SubOrderInterceptedPayload(
        sub_order_id=sub.id, order_id=order.id, action=action, reason=reason,
        actor_id=actor_id, refunded_cents=refunded, currency=sub.currency))
    suborders.sync(session, order, reason=f"intercepted: {reason}"[:200])
    return sub


def _cancel_paid(session: Session, order, sub: SubOrder, reason: str,
                 actor_id: str | None) -> int:
    # after-sales imports orders: ask it here, at call time
    from transactional_api.aftersales import service as aftersales
    gone = aftersales.cancelled_units(session=session, sub_order_id=sub.id)
    for item in order.items:
        if item.sub_order_id != sub.id or item.sku_kind in ("virtual", "presale"):
            continue
        already = min(gone.get(item.sku_id, 0), item.quantity)  # refunded before shipping
        gone[item.sku_id] = gone.get(item.sku_id, 0) - already
        left = item.quantity - already
        if left > 0:
            inventory.restock_return(session=session, order_id=order.id,
                                     line_sku_id=item.sku_id, quantity=left,
                                     actor_id=actor_id, warehouse_id=item.warehouse_id,
                                     reason="intercepted")
    # (pre-sale units not yet given stock keep their quota: noted on issue 8)
    suborders.advance(session, order, sub, state.SUB_CANCELLED, reason=reason,
                      ignore_pause=True)
    # a cross-border order's duties are on its items, not in the sub-order's total
    duties = sum(i.duties_cents + i.import_tax_cents for i in order.items
                 if i.sub_order_id == sub.id)
    owed = (sub.total_cents + duties
            - aftersales.refunded_cents(session=session, sub_order_id=sub.id))
    return refunds.refund_order_part(session=session, order=order, amount_cents=owed,
                                     reason="intercepted", reference=f"intercept:{sub.id}",
                                     actor_id=actor_id)
