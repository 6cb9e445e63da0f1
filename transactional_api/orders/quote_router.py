"""Quotes: the cart priced by the price engine with its full breakdown (guests too), and
which wallet coupon saves the shopper most."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from transactional_api.cart import service as cart
from transactional_api.cart.router import CartId
from transactional_api.core.deps import CurrentCaller, OptionalCaller
from transactional_api.core.errors import Unprocessable
from transactional_api.duties import checkout as duties
from transactional_api.orders import placement, pricing
from transactional_api.orders.breakdown_schemas import (
    AppliedOut,
    BestCouponOut,
    CouponSavingOut,
    LinePromotionOut,
    QuoteLineOut,
    QuoteOut,
    QuoteShippingOut,
    RejectedOut,
)
from transactional_api.orders.quote_schemas import QuoteIn
from transactional_api.orders.router import lines_of

router = APIRouter(tags=["checkout"])
MAX_LINES = 100


@router.post("/v1/cart/quote", response_model=QuoteOut)
def quote(body: QuoteIn, request: Request, response: Response, caller: OptionalCaller,
          x_cart_id: CartId = None) -> QuoteOut:
    """The cart (or the given items) through the pricing pipeline: price sources ->
    matching promotions -> stacking -> price floors -> final price, per line and per
    promotion. Writes nothing."""
    items, _ = lines_of(body.items)
    if caller is None and body.address_id is not None:
        raise Unprocessable("sign in to use a saved address", code="address_needs_sign_in")
    if caller is None and body.coupon_ids:
        raise Unprocessable("sign in to use coupons", code="coupons_need_sign_in")
    with request.app.state.read_sessions() as db, db.begin():
        region, ship_to = body.shipping_region, None
        if body.address_id is not None:
            dest = placement.destination(session=db, user_id=caller.id,
                                         address_id=body.address_id, region=region)
            region, ship_to = dest.region, dest.ship_to
        started = time.perf_counter()
        lines, found = _lines(db, caller, items, x_cart_id)
        q = pricing.quote(session=db, found=found, lines=lines, region=region,
                          user_id=caller.id if caller else None, redis=request.app.state.redis,
                          offers=offers_of(body.coupon_ids, body.payment_channel,
                                           body.market))
        duties.price(db, q, ship_to)  # an address abroad: its duties and import tax
        # the whole quote inside the API (cart and catalog reads, sources, promotions,
        # coupons, engine, tax): what `flywheel bench pricing` reports
        response.headers["Server-Timing"] = \
            f"pricing;dur={(time.perf_counter() - started) * 1000:.3f}"
        return quote_out(q)


@router.get("/v1/me/coupons/best", response_model=BestCouponOut)
def best_coupon(request: Request, caller: CurrentCaller,
                cart_items: Annotated[str | None, Query(
                    alias="cart", max_length=4000, pattern=r"^[A-Za-z0-9_-]+:\d{1,5}"
                    r"(,[A-Za-z0-9_-]+:\d{1,5})*$",
                    description="sku_id:quantity,… (left out: the shopper's cart)")] = None,
                shipping_region: Annotated[str | None, Query(
                    min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")] = None,
                payment_channel: Annotated[str | None, Query(
                    min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")] = None
                ) -> BestCouponOut:
    """Which coupon in the wallet to use on this cart, and what each one saves."""
    items = _parse_cart(cart_items) if cart_items else None
    with request.app.state.read_sessions() as db, db.begin():
        lines, found = _lines(db, caller, items, None)
        savings = pricing.best_coupons(session=db, found=found, lines=lines,
                                       region=shipping_region, user_id=caller.id,
                                       payment_channel=payment_channel,
                                       redis=request.app.state.redis)
    out = [CouponSavingOut(coupon_id=s.coupon_id, promotion_id=s.promotion_id,
                           saving_cents=s.saving_cents, total_cents=s.total_cents)
           for s in savings]
    best = next((s for s in out if s.saving_cents > 0), None)
    return BestCouponOut(best=best, coupons=out)


def offers_of(coupon_ids: list[str] | None, payment_channel: str | None,
              market: str | None = None) -> pricing.Offers:
    return pricing.Offers(coupon_ids=frozenset(coupon_ids) if coupon_ids is not None
                          else None, payment_channel=payment_channel, market=market)


def _parse_cart(text: str) -> dict[str, int]:
    items: dict[str, int] = {}
    for part in text.split(","):
        sku, qty = part.rsplit(":", 1)
        if int(qty) < 1:
            raise Unprocessable("quantities start at 1", code="invalid_quantity")
        items[sku] = items.get(sku, 0) + int(qty)
    if len(items) > MAX_LINES:
        raise Unprocessable(f"at most {MAX_LINES} lines", code="too_many_lines")
    return items


def _lines(db, caller, items: dict[str, int] | None, guest_cart_id: str | None):
    """Lines as a quote reads them: no recipients needed yet (placement asks for them)."""
    if items is None:
        owner = cart.Owner(user_id=caller.id) if caller else \
            cart.Owner(guest_cart_id=guest_cart_id)
        items = cart.lines(session=db, owner=owner)
        if caller is not None and guest_cart_id is not None:
            for sku, n in cart.lines(session=db, owner=cart.Owner(
                    guest_cart_id=guest_cart_id)).items():
                items[sku] = items.get(sku, 0) + n
    return items, placement.orderable(session=db, lines=items)


def quote_out(q: pricing.Quote) -> QuoteOut:
    o = q.outcome
    return QuoteOut(
        currency=q.currency, shipping_region=q.region,
        lines=[QuoteLineOut(
            sku_id=ln.sku_id, product_id=ln.product_id, product_name=ln.product_name,
            merchant_id=ln.merchant_id, quantity=ln.quantity,
            list_price_cents=ln.list_price_cents, unit_price_cents=ln.unit_price_cents,
            price_kind=ln.price_kind, price_label=ln.price_label,
            discount_cents=ln.discount_cents, tax_cents=ln.tax_cents,
            line_total_cents=ln.line_total_cents,
            promotions=[LinePromotionOut(promotion_id=p, discount_cents=c)
                        for p, c in sorted(ln.allocations.items()) if c]) for ln in q.lines],
        applied=[AppliedOut(
            promotion_id=a.promotion_id, coupon_id=a.coupon_id, name=a.name, kind=a.kind,
            lane=a.lane, funded_by_merchant_id=a.merchant_id, discount_cents=a.discount_cents,
            shipping_discount_cents=a.shipping_discount_cents, gift_sku_id=a.gift_sku_id,
            gift_value_cents=a.gift_value_cents) for a in (o.applied if o else ())],
        rejected=[RejectedOut(promotion_id=r.promotion_id, coupon_id=r.coupon_id,
                              reason=r.reason) for r in (o.rejected if o else ())],
        shipping=[QuoteShippingOut(
            merchant_id=m.merchant_id, weight_grams=m.weight_grams, goods_cents=m.goods_cents,
            shipping_cents=m.shipping_cents, shipping_discount_cents=m.shipping_discount_cents,
            free_over_cents=m.free_over_cents) for m in q.merchants],
        subtotal_cents=q.subtotal_cents, discount_cents=q.discount_cents,
        shipping_cents=q.shipping_cents, shipping_discount_cents=q.shipping_discount_cents,
        tax_cents=q.tax_cents, total_cents=q.gross_cents,
        duties_cents=q.duties_cents, import_tax_cents=q.import_tax_cents,
        duty_lines=duties.lines_out(q),
        combinations_evaluated=o.combinations_evaluated if o else 0)
