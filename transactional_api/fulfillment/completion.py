"""Delivered sub-orders complete by themselves N days after delivery, unless after-sales
is open on them (or an operator paused them).

Safe to run in several processes at once and to re-run: candidates are read without a
lock, then each parent order is locked and its sub-orders re-checked before moving, so of
two runs the second finds nothing left to do (SQLite serialises writers anyway).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.fulfillment.shipments import lock_orders
from transactional_api.orders import state, suborders
from transactional_api.orders.models import SubOrder

REASON = "auto_complete"


def _due(sub: SubOrder, cutoff: datetime) -> bool:
    return (sub.status == state.SUB_DELIVERED and not sub.after_sales_open and not sub.paused
            and sub.delivered_at is not None and sub.delivered_at <= cutoff)


def complete_due(session: Session, now: datetime, *, days: float = 7,
                 limit: int = 500) -> int:
    """Complete (in the caller's transaction) up to ``limit`` sub-orders delivered at least
    ``days`` before ``now``; returns how many moved."""
    cutoff = now - timedelta(days=days)
    rows = session.execute(
        select(SubOrder.id, SubOrder.order_id).where(
            SubOrder.status == state.SUB_DELIVERED, SubOrder.after_sales_open.is_(False),
            SubOrder.paused.is_(False), SubOrder.delivered_at <= cutoff)
        .order_by(SubOrder.delivered_at, SubOrder.id).limit(limit)).all()
    wanted: dict[str, set[str]] = defaultdict(set)
    for sub_id, order_id in rows:
        wanted[order_id].add(sub_id)
    completed = 0
    for order_id, order in lock_orders(session, wanted).items():
        subs = session.scalars(select(SubOrder).where(SubOrder.order_id == order_id)
                               .execution_options(populate_existing=True))
        moved = False
        for sub in subs:
            if sub.id in wanted[order_id] and _due(sub, cutoff):
                suborders.advance(session, order, sub, state.SUB_COMPLETED, reason=REASON,
                                  at=now)
                completed += 1
                moved = True
        if moved:
            suborders.sync(session, order, at=now)
    return completed
