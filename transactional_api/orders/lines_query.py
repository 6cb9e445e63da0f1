"""Order lines as other domains may read them: who bought which SKU, and has it arrived.

Reviews asks this to admit verified buyers only; it never reads the order tables itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.orders import state
from transactional_api.orders.models import Order, OrderItem, SubOrder

_ARRIVED_SUB = frozenset({state.SUB_DELIVERED, state.SUB_COMPLETED})
# Orders without sub-orders (imported history) are judged by the parent's status.
_ARRIVED_ORDER = frozenset({state.DELIVERED, state.COMPLETED, state.AFTER_SALES})


@dataclass(frozen=True)
class PurchasedLine:
    line_id: int
    order_id: str
    sku_id: str
    product_id: str
    merchant_id: str
    # paid, and its sub-order delivered or completed (after-sales on it does not undo that)
    delivered: bool


def purchased_lines(*, session: Session, user_id: str, order_id: str,
                    sku_id: str) -> list[PurchasedLine]:
    """The user's lines of sku_id in order_id, oldest first; empty when the order is not
    theirs, does not exist or has no such line. A read: nothing is locked."""
    rows = session.execute(
        select(OrderItem.id, OrderItem.product_id, OrderItem.merchant_id, Order.paid_at,
               Order.status, SubOrder.status)
        .join(Order, Order.id == OrderItem.order_id)
        .outerjoin(SubOrder, SubOrder.id == OrderItem.sub_order_id)
        .where(OrderItem.order_id == order_id, OrderItem.sku_id == sku_id,
               Order.user_id == user_id)
        .order_by(OrderItem.id))
    return [
        PurchasedLine(line_id=line_id, order_id=order_id, sku_id=sku_id,
                      product_id=product_id, merchant_id=merchant_id,
                      delivered=paid_at is not None and (
                          sub_status in _ARRIVED_SUB if sub_status is not None
                          else order_status in _ARRIVED_ORDER))
        for line_id, product_id, merchant_id, paid_at, order_status, sub_status in rows
    ]
