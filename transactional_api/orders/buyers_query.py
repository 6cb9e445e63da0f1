"""How much each shopper has bought, as other domains may read it (tags' audience rules use
orders_count); they never read the order tables themselves."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.orders.models import Order, OrderItem
from transactional_api.orders.state import CANCELLED


def paid_order_counts(*, session: Session, user_ids: list[str]) -> dict[str, int]:
    """Paid orders (paid_at set, whatever happened after) per user; absent users have 0."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(Order.user_id, func.count()).where(Order.user_id.in_(user_ids),
                                                  Order.paid_at.is_not(None))
        .group_by(Order.user_id))
    counts = dict.fromkeys(user_ids, 0)
    counts.update({user_id: int(n) for user_id, n in rows})
    return counts


def placed_since(*, session: Session, user_ids: list[str], since) -> set[str]:
    """The users among user_ids who placed an order at or after since (reach: a cart
    followed by an order is not abandoned)."""
    if not user_ids:
        return set()
    return set(session.scalars(select(Order.user_id).where(
        Order.user_id.in_(user_ids), Order.created_at >= since).distinct()))


def products_bought_since(*, session: Session, user_id: str, since) -> set[str]:
    """Product ids in the user's orders placed at or after since, cancelled ones aside
    (recommendations do not offer again what was just bought)."""
    return set(session.scalars(
        select(OrderItem.product_id).join(Order, Order.id == OrderItem.order_id)
        .where(Order.user_id == user_id, Order.created_at >= since,
               Order.status != CANCELLED).distinct()))
