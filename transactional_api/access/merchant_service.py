"""What merchant staff may do, always inside their own merchant (the one on their grant).

Every read and change first proves the product or sub-order is the merchant's; another
merchant's answers exactly as a missing one does (404, same code and message), so staff
cannot tell a foreign id from a made-up one. The changes themselves are the catalog's,
orders' and fulfilment's own public functions, the same ones operators go through.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.catalog.schemas import ProductOut, ProductPatch, SkuOut
from transactional_api.core.errors import NotFound
from transactional_api.fulfillment import shipments
from transactional_api.fulfillment.carriers import CarrierBase
from transactional_api.fulfillment.models import Shipment
from transactional_api.orders import service as orders
from transactional_api.orders import suborders
from transactional_api.orders.models import OrderItem, SubOrder


def own_product(*, session: Session, merchant_id: str, product_id: str) -> ProductOut:
    product = catalog.get_product(session=session, product_id=product_id, operator=True)
    if product.merchant_id != merchant_id:
        raise NotFound("product not found")  # the catalog's own answer for a missing one
    return product


def _own_sku(session: Session, merchant_id: str, product_id: str, sku_id: str) -> None:
    product = own_product(session=session, merchant_id=merchant_id, product_id=product_id)
    if sku_id not in {s.id for s in product.skus}:
        raise NotFound("SKU not found")


def list_products(*, session: Session, merchant_id: str, status: str | None, q: str | None,
                  limit: int, offset: int) -> tuple[list[ProductOut], int]:
    return catalog.search_products(session=session, q=q, category_id=None, status=status,
                                   merchant_id=merchant_id, limit=limit, offset=offset)


def update_product(*, session: Session, merchant_id: str, product_id: str,
                   data: ProductPatch) -> ProductOut:
    own_product(session=session, merchant_id=merchant_id, product_id=product_id)
    return catalog.update_product(session=session, product_id=product_id, data=data)


def set_labels(*, session: Session, merchant_id: str, product_id: str,
               labels: list[str]) -> ProductOut:
    own_product(session=session, merchant_id=merchant_id, product_id=product_id)
    return catalog.set_labels(session=session, product_id=product_id, labels=labels)


def set_price(*, session: Session, merchant_id: str, product_id: str, sku_id: str,
              price_cents: int) -> SkuOut:
    _own_sku(session, merchant_id, product_id, sku_id)
    return catalog.set_price(session=session, sku_id=sku_id, price_cents=price_cents)


def set_stock(*, session: Session, merchant_id: str, product_id: str, sku_id: str,
              available: int, actor_id: str) -> SkuOut:
    _own_sku(session, merchant_id, product_id, sku_id)
    return catalog.set_stock(session=session, sku_id=sku_id, available=available,
                             actor_id=actor_id)


def own_sub_order(*, session: Session, merchant_id: str, sub_order_id: str) -> SubOrder:
    sub = suborders.get_sub_order(session=session, sub_order_id=sub_order_id)
    if sub.merchant_id != merchant_id:
        raise NotFound("sub-order not found", code="sub_order_not_found")
    return sub


def sub_order_lines(*, session: Session, sub: SubOrder) -> list[OrderItem]:
    """The order lines this sub-order ships (the parent order's items, snapshotted)."""
    order = orders.get_order(session=session, order_id=sub.order_id, user_id=None)
    return [i for i in order.items if i.sub_order_id == sub.id]


def list_sub_orders(*, session: Session, merchant_id: str, status: str | None, limit: int,
                    offset: int) -> tuple[list[SubOrder], int]:
    return suborders.list_sub_orders(session=session, merchant_id=merchant_id, status=status,
                                     limit=limit, offset=offset)


def advance_sub_order(*, session: Session, merchant_id: str, sub_order_id: str,
                      to: str) -> SubOrder:
    """One fulfilment step (picking, packed) under the parent's lock, as operators do."""
    sub = own_sub_order(session=session, merchant_id=merchant_id, sub_order_id=sub_order_id)
    order = suborders.parent_locked(session, sub)
    suborders.advance(session, order, sub, to)
    suborders.sync(session, order)
    return sub


def ship(*, session: Session, merchant_id: str, carrier: CarrierBase, sub_order_ids: list[str],
         tracking_number: str | None, at: datetime) -> Shipment:
    """Hand own packed sub-orders to a carrier; any foreign id is reported as missing."""
    foreign = []
    for sub_order_id in sorted(set(sub_order_ids)):
        try:
            own_sub_order(session=session, merchant_id=merchant_id, sub_order_id=sub_order_id)
        except NotFound:
            foreign.append(sub_order_id)
    if foreign:
        raise NotFound("sub-order not found", code="sub_order_not_found",
                       details={"sub_order_ids": foreign})
    return shipments.create_shipment(session, carrier=carrier, sub_order_ids=sub_order_ids,
                                      tracking_number=tracking_number, at=at)
