"""Settling an approved request: units cancelled before shipping, returned goods inspected
and put back on hand, money back through the channel that took it, or a replacement.

Refunds go through payments.refund with the reference ``after_sales:<request id>``: a
repeat is a no-op, and the payments domain refuses (422 refund_exceeds_captured, nothing
changed) any refund that would take the order's refunds past what was captured, which
together with the parent-order lock (requests.lock) keeps concurrent decisions exact.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from transactional_api.aftersales import amounts, exchange, machine, requests
from transactional_api.aftersales.requests import Locked
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, Unprocessable
from transactional_api.events import aftersales_events as ae
from transactional_api.inventory import allocation
from transactional_api.inventory import service as inventory
from transactional_api.orders import state, suborders
from transactional_api.orders.models import OrderItem

BEFORE_SHIPPING = frozenset({state.ALLOCATED, state.PICKING, state.PACKED})


def refund_before_shipping(session: Session, at: Locked, *, actor_id: str | None) -> None:
    """Approved refund only: the units are cancelled (back on hand where they were
    deducted), their paid amount refunded; the whole sub-order refunded is cancelled and
    its shipping fee refunded with it."""
    req, sub, now = at.request, at.sub, clock.now()
    if sub.status not in BEFORE_SHIPPING:
        raise Conflict(f"the goods are already {sub.status}: reject this request and let the "
                       "shopper return them", code="not_before_shipping",
                       details={"status": sub.status})
    items = at.items()
    settled = amounts.settled_units(session, list(items), exclude_request_id=req.id)
    goods = 0
    for line in req.lines:
        item = items[line.order_item_id]
        part = amounts.share(item, already=settled.get(item.id, 0), quantity=line.quantity)
        line.settled_quantity, line.refunded_cents = line.quantity, part.total_cents
        settled[item.id] = settled.get(item.id, 0) + line.quantity
        goods += part.total_cents
        _restock(session, at, item, line.quantity, "intercepted", actor_id)
    whole = all(settled.get(i.id, 0) >= i.quantity for i in items.values())
    shipping = sub.shipping_cents if whole else 0
    if whole:
        suborders.advance(session, at.order, sub, state.SUB_CANCELLED,
                          reason="refunded_before_shipping", at=now, ignore_pause=True)
    _refund(session, at, goods + shipping, shipping, actor_id, now)
    requests.close(session, at, machine.RES_REFUNDED, now)


def inspect(session: Session, at: Locked, *, accepted: dict[str, int], note: str | None,
            actor_id: str | None, settle: str,
            strategy: allocation.Strategy = allocation.prefer_single_location) -> None:
    """The goods came back: accepted units go on hand where they shipped from; they are
    refunded (return_refund, or an exchange settled as a refund) or replaced (exchange)."""
    req, now = at.request, clock.now()
    machine.check(req.status, machine.RECEIVED)
    if settle == "refund" and req.type != machine.EXCHANGE:
        raise Unprocessable("only an exchange can be settled as a refund instead",
                            code="not_an_exchange")
    _check_accepted(req, accepted)
    requests.move(at, machine.RECEIVED, now)
    items = at.items()
    for line in req.lines:
        line.accepted_quantity = accepted[line.sku_id]
        if line.accepted_quantity:
            _restock(session, at, items[line.order_item_id], line.accepted_quantity,
                     "returned", actor_id)
    req.received_at, req.inspection_note, req.inspected_by = now, note, actor_id
    total = sum(accepted.values())
    requests.emit(session, at, ae.ReturnInspected, ae.ReturnInspectedPayload(
        request_id=req.id, order_id=req.order_id, sub_order_id=req.sub_order_id,
        type=req.type, lines=requests.line_payloads(req, inspected=True),
        requested_quantity=sum(ln.quantity for ln in req.lines), accepted_quantity=total,
        note=note, actor_id=actor_id), now)
    if total == 0:
        requests.close(session, at, machine.RES_NOTHING, now)
        return
    settled = amounts.settled_units(session, list(items), exclude_request_id=req.id)
    shares = {}
    for line in req.lines:
        item = items[line.order_item_id]
        shares[line.id] = amounts.share(item, already=settled.get(item.id, 0),
                                        quantity=line.accepted_quantity)
        line.settled_quantity = line.accepted_quantity
    if req.type == machine.EXCHANGE and settle != "refund":
        (line,) = req.lines
        exchange.replace(session, at, items[line.order_item_id], line.accepted_quantity,
                         shares[line.id], strategy=strategy, now=now)
        requests.move(at, machine.EXCHANGED, now)
        requests.close(session, at, machine.RES_EXCHANGED, now)
        return
    for line in req.lines:
        line.refunded_cents = shares[line.id].total_cents
    _refund(session, at, sum(s.total_cents for s in shares.values()), 0, actor_id, now)
    requests.close(session, at, machine.RES_REFUNDED, now)


def _check_accepted(req, accepted: dict[str, int]) -> None:
    skus = {ln.sku_id: ln.quantity for ln in req.lines}
    if set(accepted) != set(skus):
        raise Unprocessable("give the accepted quantity of every line of the request",
                            code="inspection_lines_mismatch",
                            details={"sku_ids": sorted(skus)})
    over = sorted(s for s, q in accepted.items() if q > skus[s])
    if over:
        raise Unprocessable("more accepted than was sent back", code="accepted_exceeds_returned",
                            details={"sku_ids": over})


def _restock(session: Session, at: Locked, item: OrderItem, quantity: int, reason: str,
             actor_id: str | None) -> None:
    if item.sku_kind == "virtual":
        return
    try:
        inventory.restock_return(session=session, order_id=at.order.id,
                                 line_sku_id=item.sku_id, quantity=quantity,
                                 actor_id=actor_id, warehouse_id=item.warehouse_id,
                                 reason=reason)
    except Conflict as exc:
        # A pre-sale unit not yet given stock took none: there is nothing to put back (it
        # raises before writing anything). Anything else is a real error.
        if item.sku_kind != "presale" or exc.code != "nothing_to_return":
            raise


def _refund(session: Session, at: Locked, amount: int, shipping: int, actor_id: str | None,
            now) -> None:
    req = at.request
    requests.move(at, machine.REFUNDED, now)
    req.refunded_at = now
    if amount <= 0:
        return
    # Imported here: payments imports orders, which must load without payments.
    from transactional_api.payments import service as payments
    refund = payments.refund(session=session, order_id=req.order_id, amount_cents=amount,
                             reason=f"after_sales_{req.type}", reference=f"after_sales:{req.id}",
                             actor_id=actor_id)
    req.refunded_cents, req.refund_id = amount, refund.id
    requests.emit(session, at, ae.AfterSalesRefunded, ae.AfterSalesRefundedPayload(
        request_id=req.id, order_id=req.order_id, sub_order_id=req.sub_order_id,
        type=req.type, reason_code=req.reason_code, refund_id=refund.id, amount_cents=amount,
        shipping_cents=shipping, currency=req.currency), now)
