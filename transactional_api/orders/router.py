from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response

from transactional_api.cart import service as cart
from transactional_api.cart.router import CartId
from transactional_api.core.deps import CurrentCaller, Db, OrdersCaller, ReadDb, SettingsDep
from transactional_api.core.errors import Unprocessable
from transactional_api.core.permissions import Permission
from transactional_api.inventory.allocation import load_strategy
from transactional_api.members.redemption import Rule
from transactional_api.orders import pricing, service, state
from transactional_api.orders.models import Order, SubOrder
from transactional_api.orders.placement import PointsAsked
from transactional_api.orders.schemas import (
    ExpireOut,
    OrderAdjustmentOut,
    OrderIn,
    OrderItemOut,
    OrderOut,
    OrderPage,
    ReturnIn,
    SubOrderOut,
)
from transactional_api.promoters import links as referral_links
from transactional_api.risk import gates as risk_gates

router = APIRouter(tags=["orders"])
OrderPath = Annotated[str, Path(min_length=1, max_length=36)]
IdempotencyKey = Annotated[str | None, Header(min_length=1, max_length=128)]


def sub_order_out(s: SubOrder) -> SubOrderOut:
    return SubOrderOut(
        id=s.id, seq=s.seq, merchant_id=s.merchant_id, warehouse_id=s.warehouse_id,
        kind=s.kind, status=s.status,
        customer_status=state.customer_status(s.status, s.after_sales_open),
        paused=s.paused, hold_reason=s.hold_reason, currency=s.currency,
        subtotal_cents=s.subtotal_cents, discount_cents=s.discount_cents,
        shipping_cents=s.shipping_cents, tax_cents=s.tax_cents, total_cents=s.total_cents,
        points_discount_cents=s.points_discount_cents, paid_at=s.paid_at,
        shipped_at=s.shipped_at, delivered_at=s.delivered_at,
        completed_at=s.completed_at, cancelled_at=s.cancelled_at,
        cancel_reason=s.cancel_reason)


def order_out(o: Order) -> OrderOut:
    return OrderOut(
        id=o.id, user_id=o.user_id, status=o.status, currency=o.currency,
        subtotal_cents=o.subtotal_cents, discount_cents=o.discount_cents,
        shipping_cents=o.shipping_cents, tax_cents=o.tax_cents,
        total_cents=o.total_cents, points_spent=o.points_spent,
        points_discount_cents=o.points_discount_cents, shipping_region=o.shipping_region,
        address_id=o.address_id, ship_to=o.ship_to,
        created_at=o.created_at, expires_at=o.expires_at,
        paid_at=o.paid_at, cancelled_at=o.cancelled_at, cancel_reason=o.cancel_reason,
        shipped_at=o.shipped_at, delivered_at=o.delivered_at, completed_at=o.completed_at,
        items=[OrderItemOut(sku_id=i.sku_id, product_id=i.product_id,
                            product_name=i.product_name, sku_name=i.sku_name,
                            unit_price_cents=i.unit_price_cents, quantity=i.quantity,
                            line_total_cents=i.line_total_cents,
                            list_price_cents=i.list_price_cents,
                            discount_cents=i.discount_cents, tax_cents=i.tax_cents,
                            points_discount_cents=i.points_discount_cents,
                            price_kind=i.price_kind or "list",
                            weight_grams=i.weight_grams, sub_order_id=i.sub_order_id,
                            warehouse_id=i.warehouse_id, merchant_id=i.merchant_id,
                            kind=i.sku_kind, recipient=i.recipient,
                            fulfilment_status=i.fulfilment_status) for i in o.items],
        sub_orders=[sub_order_out(s) for s in o.sub_orders],
        shipping_discount_cents=o.shipping_discount_cents or 0,
        payment_channel=o.payment_channel, market=o.market_code, fx_rate_e9=o.fx_rate_e9,
        adjustments=[OrderAdjustmentOut(
            promotion_id=a.promotion_id, coupon_id=a.coupon_id, name=a.name, kind=a.kind,
            lane=a.lane, funded_by_merchant_id=a.funded_by_merchant_id, target=a.target,
            sku_id=a.sku_id, merchant_id=a.merchant_id, amount_cents=a.amount_cents)
            for a in o.adjustments],
    )


def lines_of(body_items) -> tuple[dict[str, int] | None, dict[str, str]]:
    """Request lines merged per SKU, and the recipient of each virtual SKU."""
    if body_items is None:
        return None, {}
    items: dict[str, int] = {}
    recipients: dict[str, str] = {}
    for line in body_items:
        items[line.sku_id] = items.get(line.sku_id, 0) + line.quantity
        if line.recipient is not None and \
                recipients.setdefault(line.sku_id, line.recipient) != line.recipient:
            raise Unprocessable("one recipient per virtual SKU and order",
                                code="conflicting_recipients")
    return items, recipients


@router.post("/v1/orders", status_code=201, response_model=OrderOut)
def place_order(body: OrderIn, db: Db, caller: CurrentCaller, settings: SettingsDep,
                request: Request, response: Response, idempotency_key: IdempotencyKey = None,
                x_cart_id: CartId = None) -> OrderOut:
    items, recipients = lines_of(body.items)
    with risk_gates.recording(db), db.begin():
        if items is None and x_cart_id is not None:
            cart.merge_guest_cart(session=db, user_id=caller.id, guest_cart_id=x_cart_id)
        order, created = service.place_order(
            session=db, user_id=caller.id, items=items, session_id=body.session_id,
            anonymous_id=body.anonymous_id, context=body.context,
            idempotency_key=idempotency_key, recipients=recipients,
            shipping_region=body.shipping_region, address_id=body.address_id,
            expected_total_cents=body.expected_total_cents,
            allocation_strategy=load_strategy(settings.allocation_strategy),
            payment_timeout_seconds=settings.order_payment_timeout_seconds,
            points=PointsAsked(points_to_spend=body.points_to_spend, use_points=body.use_points),
            points_rule=Rule.of(settings), redis=request.app.state.redis,
            offers=pricing.Offers(
                coupon_ids=frozenset(body.coupon_ids) if body.coupon_ids is not None
                else None, payment_channel=body.payment_channel, market=body.market))
        if created:  # risk and audience checks, timed for the Server-Timing header
            response.headers["Server-Timing"] = risk_gates.check_placement(
                request, session=db, order=order, user_id=caller.id).header()
            # bound before it is paid, so a referral link's first order earns its commission
            referral_links.bind_ref(request, session=db, buyer_id=caller.id, code=body.ref)
        if not created:
            response.status_code = 200
            response.headers["Idempotent-Replayed"] = "true"
        return order_out(order)


@router.get("/v1/orders", response_model=OrderPage)
def list_orders(db: ReadDb, caller: CurrentCaller,
                limit: Annotated[int, Query(ge=1, le=100)] = 20,
                offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> OrderPage:
    with db.begin():
        orders, total = service.list_orders(session=db, user_id=caller.id, limit=limit,
                                            offset=offset)
        return OrderPage(items=[order_out(o) for o in orders], total=total, limit=limit,
                         offset=offset)


@router.get("/v1/orders/{order_id}", response_model=OrderOut)
def get_order(order_id: OrderPath, db: ReadDb, caller: CurrentCaller) -> OrderOut:
    with db.begin():
        return order_out(service.get_order(
            session=db, order_id=order_id, user_id=caller.owner_filter(Permission.ORDERS)))


@router.post("/v1/orders/{order_id}/cancel", response_model=OrderOut)
def cancel_order(order_id: OrderPath, db: Db, caller: CurrentCaller) -> OrderOut:
    with db.begin():
        return order_out(service.cancel_order(
            session=db, order_id=order_id, user_id=caller.owner_filter(Permission.ORDERS),
            reason="cancelled_by_admin" if caller.can(Permission.ORDERS)
            else "cancelled_by_shopper"))


@router.post("/v1/admin/orders/{order_id}/ship", response_model=OrderOut)
def ship(order_id: OrderPath, db: Db, _: OrdersCaller) -> OrderOut:
    with db.begin():
        return order_out(service.ship_order(session=db, order_id=order_id))


@router.post("/v1/admin/orders/{order_id}/complete", response_model=OrderOut)
def complete(order_id: OrderPath, db: Db, _: OrdersCaller) -> OrderOut:
    with db.begin():
        return order_out(service.complete_order(session=db, order_id=order_id))


@router.post("/v1/admin/orders/{order_id}/returns", response_model=OrderOut)
def accept_return(order_id: OrderPath, body: ReturnIn, db: Db, caller: OrdersCaller) -> OrderOut:
    """Goods received back into stock (where they were shipped from)."""
    with db.begin():
        return order_out(service.accept_return(session=db, order_id=order_id,
                                               sku_id=body.sku_id, quantity=body.quantity,
                                               actor_id=caller.id))


@router.post("/v1/admin/orders/expire", response_model=ExpireOut)
def expire(db: Db, _: OrdersCaller) -> ExpireOut:
    with db.begin():
        return ExpireOut(cancelled=service.expire_unpaid(session=db))
