"""Placing an order: price it, hold its stock, split it into sub-orders, in one transaction.

Placement re-checks what the preview showed: the stock (reservation), the address (it must
still be the shopper's), and the price (``expected_total_cents``): any difference refuses
the order with a 4xx and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts import addresses
from transactional_api.cart import service as cart
from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, Unprocessable
from transactional_api.duties import checkout as duties
from transactional_api.events import contract as ev
from transactional_api.events.contract import Context
from transactional_api.inventory import service as inventory
from transactional_api.inventory.allocation import Strategy, prefer_single_location
from transactional_api.markets import checkout as market_checkout
from transactional_api.members import redemption
from transactional_api.orders import pricing, state, suborders
from transactional_api.orders.models import Order, OrderAdjustment, OrderItem, SubOrder
from transactional_api.pricing import service as price_engine


@dataclass(frozen=True)
class Destination:
    region: str | None
    address_id: str | None = None
    ship_to: dict | None = None


def destination(*, session: Session, user_id: str, address_id: str | None,
                region: str | None) -> Destination:
    """The saved address wins; a bare region prices shipping without one."""
    if address_id is None:
        return Destination(region=region)
    row = addresses.get_address(session=session, user_id=user_id, address_id=address_id)
    if region is not None and region != row.region:
        raise Unprocessable("shipping_region differs from the address's region",
                            code="region_conflict",
                            details={"address_region": row.region, "shipping_region": region})
    return Destination(region=row.region, address_id=row.id, ship_to=addresses.snapshot(row))


def resolve_lines(*, session: Session, user_id: str, items: dict[str, int] | None,
                  recipients: dict[str, str]) -> tuple[dict[str, int], dict]:
    """The lines (given, or the cart's) and their SKUs, validated."""
    lines = cart.lines(session=session, user_id=user_id) if items is None else items
    found = orderable(session=session, lines=lines)
    _check_recipients(found, lines, recipients)
    return lines, found


def orderable(*, session: Session, lines: dict[str, int]) -> dict:
    """The lines' SKUs, refusing an empty cart, unknown SKUs and too many units (quotes
    stop here; placement also checks recipients)."""
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
    return found


@dataclass(frozen=True)
class PointsAsked:
    """What the shopper asks to pay with points: a number, or as many as allowed."""

    points_to_spend: int | None = None
    use_points: bool = False

    @property
    def any(self) -> bool:
        return bool(self.points_to_spend) or self.use_points


def apply_points(session: Session, q: pricing.Quote, *, user_id: str, asked: PointsAsked,
                 rule: redemption.Rule) -> redemption.Redemption:
    """Take the points the shopper asked for off the quote (preview and placement alike)."""
    r = redemption.plan(session, user_id=user_id, total_cents=q.gross_cents,
                        coverable_cents=q.coverable_cents,
                        points_to_spend=asked.points_to_spend, use_points=asked.use_points,
                        rule=rule)
    q.points_spent, q.points_discount_cents = r.points, r.discount_cents
    return r


def preview(*, session: Session, user_id: str, items: dict[str, int] | None,
            recipients: dict[str, str], address_id: str | None, region: str | None,
            points: PointsAsked | None = None, points_rule: redemption.Rule | None = None,
            offers: pricing.Offers | None = None, redis=None
            ) -> tuple[pricing.Quote, Destination, dict[str, int], redemption.Redemption | None]:
    """The priced cart (after any points asked for), how many units of each line can be
    sold now, and the points part; writes nothing."""
    dest = destination(session=session, user_id=user_id, address_id=address_id, region=region)
    lines, found = resolve_lines(session=session, user_id=user_id, items=items,
                                 recipients=recipients)
    q = pricing.quote(session=session, found=found, lines=lines, region=dest.region,
                      recipients=recipients, user_id=user_id, offers=offers, redis=redis)
    duties.price(session, q, dest.ship_to)  # an address abroad: its duties
    used = apply_points(session, q, user_id=user_id, asked=points or PointsAsked(),
                        rule=points_rule) if points_rule else None
    kinds = {s: found[s].kind for s in lines} | {g: "standard" for g in _gifts(q)}
    sellable = inventory.stock_view(session=session, sku_ids=list(kinds), kinds=kinds)[0]
    available = {s: lines.get(s, 1) if kinds[s] == "virtual" else max(0, sellable.get(s, 0))
                 for s in kinds}
    return q, dest, available, used


def place_order(
    *, session: Session, user_id: str, items: dict[str, int] | None,
    session_id: str | None, anonymous_id: str | None, context: Context,
    idempotency_key: str | None, payment_timeout_seconds: int,
    recipients: dict[str, str] | None = None, shipping_region: str | None = None,
    address_id: str | None = None, expected_total_cents: int | None = None,
    allocation_strategy: Strategy = prefer_single_location,
    points: PointsAsked | None = None, points_rule: redemption.Rule | None = None,
    offers: pricing.Offers | None = None, redis=None,
) -> tuple[Order, bool]:
    """Returns (order, created). A repeated idempotency key returns the first order.
    Points asked for are spent in this transaction (409 insufficient_points when the
    balance no longer covers them; nothing is written then)."""
    recipients = recipients or {}
    points = points or PointsAsked()
    fingerprint = _fingerprint(items, session_id, anonymous_id, context, recipients,
                               shipping_region, address_id, expected_total_cents, points,
                               offers)
    if idempotency_key:
        existing = session.scalar(select(Order).where(
            Order.user_id == user_id, Order.idempotency_key == idempotency_key))
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise Unprocessable("this Idempotency-Key was used for a different request",
                                    code="idempotency_key_reused")
            return existing, False
    dest = destination(session=session, user_id=user_id, address_id=address_id,
                       region=shipping_region)
    from_cart = items is None
    lines, found = resolve_lines(session=session, user_id=user_id, items=items,
                                 recipients=recipients)
    q = pricing.quote(session=session, found=found, lines=lines, region=dest.region,
                      recipients=recipients, user_id=user_id, offers=offers, redis=redis)
    duties.price(session, q, dest.ship_to)  # an address abroad: its duties
    if points.any:
        if points_rule is None:
            raise Unprocessable("paying with points is not offered here",
                                code="points_not_accepted")
        apply_points(session, q, user_id=user_id, asked=points, rule=points_rule)
    if expected_total_cents is not None and expected_total_cents != q.total_cents:
        raise Conflict("the price changed since the preview", code="price_changed",
                       details={"expected_total_cents": expected_total_cents,
                                "total_cents": q.total_cents})
    now = clock.now()
    order = Order(id=new_id(), user_id=user_id, status=state.PENDING_PAYMENT,
                  currency=q.currency, subtotal_cents=q.subtotal_cents,
                  discount_cents=q.discount_cents, shipping_cents=q.shipping_cents,
                  tax_cents=q.tax_cents, total_cents=q.total_cents,
                  shipping_discount_cents=q.shipping_discount_cents,
                  payment_channel=q.payment_channel, points_spent=q.points_spent,
                  market_code=q.market, fx_rate_e9=market_checkout.order_rate(q),
                  points_discount_cents=q.points_discount_cents,
                  idempotency_key=idempotency_key, request_fingerprint=fingerprint,
                  session_id=session_id, anonymous_id=anonymous_id,
                  utm_source=context.utm_source, utm_medium=context.utm_medium,
                  utm_campaign=context.utm_campaign, shipping_region=dest.region,
                  address_id=dest.address_id, ship_to=dest.ship_to,
                  created_at=now, updated_at=now,
                  expires_at=now + timedelta(seconds=payment_timeout_seconds))
    session.add(order)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("idempotency key is being used by another request",
                       code="idempotency_conflict") from exc
    # a gift promotion's unit is held like a bought one (pricing.quote checked it sells)
    physical = {s: n for s, n in lines.items() if found[s].kind != "virtual"} | _gifts(q)
    inventory.reserve(session=session, order_id=order.id, region=dest.region, lines=physical,
                      reserved_until=order.expires_at, strategy=allocation_strategy,
                      kinds={s: found[s].kind for s in lines} | {g: "standard"
                                                                 for g in _gifts(q)})
    where = inventory.line_locations(session=session, order_id=order.id,
                                     lines=physical) if physical else {}
    _split(order, q, where)
    duties.record(session, order, q, at=now)
    _snapshot_adjustments(order, q)
    session.flush()
    # budgets, usage limits and coupons: refused with 409 when another order took the last
    price_engine.commit(session, order_id=order.id, user_id=user_id, outcome=q.outcome,
                        currency=q.base_currency or order.currency, now=now)
    if q.points_spent:
        # after the stock rows: every writer takes SKU rows before a member's row
        redemption.spend_for_order(session, user_id=user_id, order_id=order.id,
                                   points=q.points_spent, cash_cents=order.total_cents, at=now)
    if from_cart:
        cart.clear(session=session, user_id=user_id)
    suborders.emit_for(session, order, ev.OrderCreated, ev.OrderCreatedPayload(
        order_id=order.id, currency=order.currency, total_cents=order.total_cents,
        items=[ev.OrderItemPayload(sku_id=ln.sku_id, product_id=ln.product_id,
                                   quantity=ln.quantity, unit_price_cents=ln.unit_price_cents)
               for ln in q.lines],
        points_spent=order.points_spent, points_discount_cents=order.points_discount_cents),
        at=now)
    suborders.emit_created(session, order)
    market_checkout.emit_fixed(session, order, q, at=now)
    return order, True


def _split(order: Order, q: pricing.Quote, where: dict[str, dict[str | None, int]]) -> None:
    """Items per (merchant, location); a line held at two locations becomes two items, its
    discount and tax shared in whole cents; each merchant's shipping shared by weight."""
    groups: dict[tuple[str, str | None, str], list[OrderItem]] = defaultdict(list)
    for ln in q.lines:
        kind = "virtual" if ln.kind == "virtual" else \
            "presale" if ln.kind == "presale" else "physical"
        parts = sorted(where.get(ln.sku_id, {None: ln.quantity}).items(), key=lambda p: str(p[0]))
        qtys = [n for _, n in parts]
        discounts = pricing.split(ln.discount_cents, qtys)
        taxes = pricing.split(ln.tax_cents, qtys)
        for (wh, n), disc, tax in zip(parts, discounts, taxes, strict=True):
            item = OrderItem(
                sku_id=ln.sku_id, product_id=ln.product_id, product_name=ln.product_name,
                sku_name=ln.sku_name, warehouse_id=wh, list_price_cents=ln.list_price_cents,
                unit_price_cents=ln.unit_price_cents, quantity=n, discount_cents=disc,
                tax_cents=tax, weight_grams=ln.unit_weight_grams,
                line_total_cents=ln.unit_price_cents * n - disc, merchant_id=ln.merchant_id,
                sku_kind=ln.kind, recipient=ln.recipient, price_kind=ln.price_kind)
            order.items.append(item)
            groups[(ln.merchant_id, wh, kind)].append(item)
    shares = redemption.allocate(q.points_spent, q.points_discount_cents,
                                 [i.line_total_cents + i.tax_cents for i in order.items])
    for item, (pts, cents) in zip(order.items, shares, strict=True):
        item.points_spent, item.points_discount_cents = pts, cents
    fees = {m.merchant_id: m.shipping_cents for m in q.merchants}
    keys = sorted(groups, key=lambda k: (k[0], str(k[1]), k[2]))
    by_merchant: dict[str, list[tuple]] = defaultdict(list)
    for k in keys:
        if k[2] != "virtual":
            by_merchant[k[0]].append(k)
    shipping = {}
    for m, ks in by_merchant.items():
        weights = [sum(i.weight_grams * i.quantity for i in groups[k]) for k in ks]
        shipping.update(zip(ks, pricing.split(fees.get(m, 0), weights), strict=True))
    for seq, k in enumerate(keys, start=1):
        items = groups[k]
        sub = SubOrder(id=new_id(), seq=seq, merchant_id=k[0], warehouse_id=k[1], kind=k[2],
                       status=state.AWAITING_PAYMENT, paused=False, currency=order.currency,
                       subtotal_cents=sum(i.unit_price_cents * i.quantity for i in items),
                       discount_cents=sum(i.discount_cents for i in items),
                       shipping_cents=shipping.get(k, 0),
                       tax_cents=sum(i.tax_cents for i in items), total_cents=0,
                       points_discount_cents=sum(i.points_discount_cents for i in items),
                       after_sales_open=False, created_at=order.created_at,
                       updated_at=order.created_at)
        sub.total_cents = (sub.subtotal_cents - sub.discount_cents + sub.shipping_cents
                           + sub.tax_cents - sub.points_discount_cents)
        for i in items:
            i.sub_order_id = sub.id
        order.sub_orders.append(sub)


def _gifts(q: pricing.Quote) -> dict[str, int]:
    return {ln.sku_id: ln.quantity for ln in q.lines if ln.price_kind == "gift"}


def _snapshot_adjustments(order: Order, q: pricing.Quote) -> None:
    """The engine's breakdown as placed: each offer's cents per line and per merchant's
    shipping fee, and gifts, so the order never changes with a promotion."""
    if q.outcome is None:
        return
    for a in q.outcome.applied:
        common = dict(promotion_id=a.promotion_id, coupon_id=a.coupon_id, name=a.name[:100],
                      kind=a.kind, lane=a.lane, funded_by_merchant_id=a.merchant_id)
        for ln in q.lines:
            if ln.allocations.get(a.promotion_id):
                order.adjustments.append(OrderAdjustment(
                    **common, target="line", sku_id=ln.sku_id, merchant_id=ln.merchant_id,
                    amount_cents=ln.allocations[a.promotion_id]))
        for m in q.merchants:
            if m.allocations.get(a.promotion_id):
                order.adjustments.append(OrderAdjustment(
                    **common, target="shipping", merchant_id=m.merchant_id,
                    amount_cents=m.allocations[a.promotion_id]))
        if a.gift_sku_id:
            order.adjustments.append(OrderAdjustment(
                **common, target="gift", sku_id=a.gift_sku_id, amount_cents=a.gift_value_cents))


def _check_recipients(found: dict, lines: dict[str, int], recipients: dict[str, str]) -> None:
    missing = sorted(s for s in lines if found[s].kind == "virtual" and s not in recipients)
    if missing:
        raise Unprocessable("virtual goods need a recipient account", code="recipient_required",
                            details={"sku_ids": missing})
    stray = sorted(s for s in recipients if s not in lines or found[s].kind != "virtual")
    if stray:
        raise Unprocessable("only virtual goods take a recipient", code="recipient_not_allowed",
                            details={"sku_ids": stray})


def _fingerprint(items, session_id, anonymous_id, context, recipients, shipping_region,
                 address_id, expected_total_cents, points: PointsAsked,
                 offers: pricing.Offers | None) -> str:
    request = {"items": sorted(items.items()) if items is not None else "cart",
               "session_id": session_id, "anonymous_id": anonymous_id,
               "context": context.model_dump(), "recipients": sorted(recipients.items()),
               "shipping_region": shipping_region, "address_id": address_id,
               "expected_total_cents": expected_total_cents}
    if points.any:  # only then: keys of orders placed before points keep their fingerprint
        request["points"] = [points.points_to_spend, points.use_points]
    if offers is not None and offers != pricing.Offers():
        request["offers"] = [sorted(offers.coupon_ids) if offers.coupon_ids is not None
                             else None, offers.payment_channel]
        if offers.market is not None:  # only then, as for points above
            request["market"] = offers.market
        if offers.sale_prices:
            request["sale_prices"] = sorted((s, o.kind, o.unit_price_cents)
                                            for s, o in offers.sale_prices)
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
