"""Exchanges: the accepted units come back on hand and the SKU wanted instead ships as a
replacement sub-order of the same order, paid by the returned units.

Why this shape: the shopper already paid for these goods once, through the original
channel, so no new payment (and no refund) is involved. The replacement's stock is held and
deducted at once under the same order (so the ledger, a later return of the replacement,
and the stock checks all see it), and it runs the ordinary fulfilment machine from
``allocated`` (picking, packing, shipping), so the parent's status follows it like any
other sub-order. Its line snapshots carry the value they stand for (the returned units'
paid goods and tax share; no shipping fee), so a later refund of the replacement gives back
what was paid for it and never more. The parent's own totals (what was charged) do not
change; ``after_sales_exchanged`` links the replacement to the request for the warehouse.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from transactional_api.aftersales.amounts import Share
from transactional_api.aftersales.requests import Locked
from transactional_api.catalog import service as catalog
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict
from transactional_api.events import aftersales_events as ae
from transactional_api.events import order_events as oe
from transactional_api.inventory import allocation
from transactional_api.inventory import service as inventory
from transactional_api.orders import state, suborders
from transactional_api.orders.models import OrderItem, SubOrder
from transactional_api.orders.pricing import split

HOLD = timedelta(minutes=5)  # deducted in the same transaction: the hold never lapses


def replace(session: Session, at: Locked, item: OrderItem, quantity: int, value: Share, *,
            strategy: allocation.Strategy, now: datetime) -> list[SubOrder]:
    req, order = at.request, at.order
    found = catalog.skus_for_order(session=session, sku_ids=[req.exchange_sku_id],
                                   strict=False)
    wanted = found.get(req.exchange_sku_id)
    if wanted is None:
        raise Conflict("the SKU wanted in exchange is no longer for sale: settle the "
                       "exchange as a refund", code="exchange_sku_unavailable")
    sku, product = wanted.sku, wanted.product
    before = _placed(session, order.id, sku.id)
    inventory.reserve(session=session, order_id=order.id, lines={sku.id: quantity},
                      region=order.shipping_region, reserved_until=now + HOLD,
                      strategy=strategy, kinds={sku.id: sku.kind})
    if not inventory.commit(session=session, order_id=order.id, at=now):
        raise Conflict("the replacement could not be taken from stock",
                       code="replacement_unavailable")
    after = _placed(session, order.id, sku.id)
    where = sorted((wh, n - before.get(wh, 0)) for wh, n in after.items()
                   if n - before.get(wh, 0) > 0)
    goods = split(value.goods_cents, [n for _, n in where])
    taxes = split(value.tax_cents, [n for _, n in where])
    seq = max(s.seq for s in order.sub_orders)
    made = []
    for (wh, n), g, t in zip(where, goods, taxes, strict=True):
        seq += 1
        new = SubOrder(id=new_id(), order_id=order.id, seq=seq, merchant_id=at.sub.merchant_id,
                       warehouse_id=wh, kind="physical", status=state.AWAITING_PAYMENT,
                       paused=False, currency=order.currency,
                       subtotal_cents=item.unit_price_cents * n,
                       discount_cents=item.unit_price_cents * n - g, shipping_cents=0,
                       tax_cents=t, total_cents=g + t, after_sales_open=False,
                       created_at=now, updated_at=now)
        line = OrderItem(
            order_id=order.id, sku_id=sku.id, product_id=product.id,
            product_name=product.name, sku_name=sku.name, sub_order_id=new.id,
            warehouse_id=wh, list_price_cents=sku.price_cents,
            unit_price_cents=item.unit_price_cents, discount_cents=item.unit_price_cents * n - g,
            tax_cents=t, weight_grams=item.weight_grams if sku.weight_grams is None
            else sku.weight_grams, quantity=n, line_total_cents=g,
            merchant_id=item.merchant_id, sku_kind=sku.kind)
        order.sub_orders.append(new)
        order.items.append(line)
        session.flush()
        _emit_created(session, order, new, line, now)
        suborders.advance(session, order, new, state.ALLOCATED, reason="exchange", at=now)
        suborders.emit_for(session, order, ae.AfterSalesExchanged, ae.AfterSalesExchangedPayload(
            request_id=req.id, order_id=order.id, sub_order_id=req.sub_order_id,
            replacement_sub_order_id=new.id, sku_id=item.sku_id, exchange_sku_id=sku.id,
            quantity=n, value_cents=g + t, currency=order.currency), at=now)
        made.append(new)
    req.replacement_sub_order_id = made[0].id
    req.exchanged_cents = value.total_cents
    return made


def _placed(session: Session, order_id: str, sku_id: str) -> dict[str | None, int]:
    return inventory.line_locations(session=session, order_id=order_id,
                                    lines={sku_id: 0}).get(sku_id, {})


def _emit_created(session: Session, order, sub: SubOrder, line: OrderItem,
                  now: datetime) -> None:
    suborders.emit_for(session, order, oe.SubOrderCreated, oe.SubOrderCreatedPayload(
        sub_order_id=sub.id, order_id=order.id, merchant_id=sub.merchant_id,
        warehouse_id=sub.warehouse_id, kind=sub.kind, currency=sub.currency,
        subtotal_cents=sub.subtotal_cents, discount_cents=sub.discount_cents,
        shipping_cents=sub.shipping_cents, tax_cents=sub.tax_cents,
        total_cents=sub.total_cents, shipping_region=order.shipping_region,
        lines=[oe.SubOrderLinePayload(
            sku_id=line.sku_id, product_id=line.product_id, quantity=line.quantity,
            list_price_cents=line.list_price_cents, unit_price_cents=line.unit_price_cents,
            discount_cents=line.discount_cents, tax_cents=line.tax_cents,
            weight_grams=line.weight_grams)]), at=now)
