"""Checkout preview, and the fulfilment side of sub-orders (operators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from transactional_api.cart import service as cart
from transactional_api.cart.router import CartId
from transactional_api.core.deps import CurrentCaller, Db, OrdersCaller, SettingsDep
from transactional_api.members.redemption import Rule
from transactional_api.orders import intercept, service, suborders
from transactional_api.orders.placement import PointsAsked
from transactional_api.orders.quote_router import offers_of, quote_out
from transactional_api.orders.router import lines_of, order_out, sub_order_out
from transactional_api.orders.schemas import (
    InterceptIn,
    OrderOut,
    PreviewIn,
    PreviewLineOut,
    PreviewOut,
    PreviewPointsOut,
    PreviewShippingOut,
    SubOrderOut,
    SubOrderTransitionIn,
)

router = APIRouter(tags=["checkout"])
SubOrderPath = Annotated[str, Path(min_length=1, max_length=36)]


@router.post("/v1/checkout/preview", response_model=PreviewOut)
def preview(body: PreviewIn, request: Request, caller: CurrentCaller, settings: SettingsDep,
            x_cart_id: CartId = None) -> PreviewOut:
    """Prices the cart (or the given items) for an address without placing anything;
    with points_to_spend or use_points, shows what the points take off."""
    items, recipients = lines_of(body.items)
    # Read-only unless a guest cart has to be merged in: a preview never takes the
    # database's write lock from the shoppers who are placing orders.
    merging = items is None and x_cart_id is not None
    sessions = request.app.state.sessions if merging else request.app.state.read_sessions
    with sessions() as db, db.begin():
        if merging:
            # the guest cart is read as if merged; the merge rolls back with the preview
            cart.merge_guest_cart(session=db, user_id=caller.id, guest_cart_id=x_cart_id)
        rule = Rule.of(settings)
        q, dest, available, used = service.preview(
            session=db, user_id=caller.id, items=items, recipients=recipients,
            address_id=body.address_id, region=body.shipping_region,
            points=PointsAsked(points_to_spend=body.points_to_spend, use_points=body.use_points),
            points_rule=rule,
            offers=offers_of(body.coupon_ids, body.payment_channel, body.market),
            redis=request.app.state.redis)
        out = _preview_out(q, dest, available)
        out.pricing = quote_out(q)
        out.points = PreviewPointsOut(
            balance=used.balance, max_points=used.max_points, points_to_spend=used.points,
            points_discount_cents=used.discount_cents,
            points_per_currency_unit=rule.points_per_unit)
        db.rollback()
    return out


def _preview_out(q, dest, available) -> PreviewOut:
    return PreviewOut(
        currency=q.currency, shipping_region=dest.region, address_id=dest.address_id,
        tax_rate_bp=q.tax_rate_bp,
        lines=[PreviewLineOut(
            sku_id=ln.sku_id, product_id=ln.product_id, product_name=ln.product_name,
            sku_name=ln.sku_name, merchant_id=ln.merchant_id, kind=ln.kind,
            quantity=ln.quantity, list_price_cents=ln.list_price_cents,
            unit_price_cents=ln.unit_price_cents, discount_cents=ln.discount_cents,
            tax_cents=ln.tax_cents, line_total_cents=ln.line_total_cents,
            weight_grams=ln.unit_weight_grams * ln.quantity,
            available=available[ln.sku_id],
            in_stock=available[ln.sku_id] >= ln.quantity) for ln in q.lines],
        shipping=[PreviewShippingOut(
            merchant_id=m.merchant_id, weight_grams=m.weight_grams,
            goods_cents=m.goods_cents, shipping_cents=m.shipping_cents,
            free_over_cents=m.free_over_cents,
            short_of_free_shipping_cents=m.short_of_free_cents) for m in q.merchants],
        subtotal_cents=q.subtotal_cents, discount_cents=q.discount_cents,
        shipping_cents=q.shipping_cents, tax_cents=q.tax_cents,
        points_discount_cents=q.points_discount_cents, total_cents=q.total_cents,
        placeable=all(available[ln.sku_id] >= ln.quantity for ln in q.lines))


@router.post("/v1/admin/sub-orders/{sub_order_id}/transitions", response_model=SubOrderOut)
def transition(sub_order_id: SubOrderPath, body: SubOrderTransitionIn, db: Db,
               _: OrdersCaller) -> SubOrderOut:
    """Fulfilment moves one step: picking, packed, shipped, delivered, completed."""
    with db.begin():
        sub = suborders.get_sub_order(session=db, sub_order_id=sub_order_id)
        order = suborders.parent_locked(db, sub)
        suborders.advance(db, order, sub, body.to)
        suborders.sync(db, order)
        return sub_order_out(sub)


@router.post("/v1/admin/sub-orders/{sub_order_id}/intercept", response_model=OrderOut)
def intercept_sub_order(sub_order_id: SubOrderPath, body: InterceptIn, db: Db,
                        caller: OrdersCaller) -> OrderOut:
    with db.begin():
        sub = intercept.intercept(session=db, sub_order_id=sub_order_id, action=body.action,
                                  reason=body.reason, actor_id=caller.id)
        return order_out(service.get_order(session=db, order_id=sub.order_id, user_id=None))
