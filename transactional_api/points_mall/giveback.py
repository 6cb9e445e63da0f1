"""Giving back what a mall redemption took when its order is undone, by following the
outbox with an id cursor (points_mall_cursors), as the members consumer does:

- order_cancelled (unpaid timeout or the shopper's cancel): every point comes back and the
  units return to the item's mall stock (and the shopper's per-user allowance);
- refund_succeeded, and after_sales_closed resolved 'refunded' (a return of an order paid
  wholly in points moves no money, so only this event says it): every point not yet back
  comes back; the goods left the shop, so the mall stock does not return.

Each redemption is given back once (its status goes to given_back in the same
transaction), so re-reading an event is harmless. Points come back through
``members.redemption.give_back``, which never returns more than the order spent: the
members consumer may already have returned a refunded share of a points-plus-cash order,
and the two never add up to more. The member's account row is locked before that call,
so the two consumers read each other's give-backs (PostgreSQL); the item row is locked
first, as at redemption. On PostgreSQL a lower outbox id can commit after a higher one, so
each pass re-reads ``points_mall_consumer_overlap_rows`` behind the cursor.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.events import follower
from transactional_api.events import points_mall_events as pe
from transactional_api.events.outbox import emit
from transactional_api.members import redemption as member_points
from transactional_api.members.accounts import locked_account
from transactional_api.points_mall.models import (
    ACTIVE,
    GIVEN_BACK,
    MallCursor,
    MallItem,
    MallRedemption,
)
from transactional_api.points_mall.redeem import points_value_cents

log = logging.getLogger("flywheel.points_mall")
CURSOR = "outbox"
EVENT_TYPES = ("order_cancelled", "refund_succeeded", "after_sales_closed")


def _reason(record: dict) -> str | None:
    kind, payload = record["event_type"], record["payload"]
    if kind == "order_cancelled":
        return "cancelled"
    if kind == "refund_succeeded":
        return "refunded"
    if kind == "after_sales_closed" and payload.get("resolution") == "refunded":
        return "returned"
    return None


def consume_once(sessions: sessionmaker[Session], settings: Settings, *,
                 batch: int = 200) -> tuple[int, bool]:
    """One batch in one transaction: (redemptions given back, whether more may wait)."""
    done, more = follower.follow_once(
        sessions, cursor_model=MallCursor, name=CURSOR, event_types=EVENT_TYPES,
        overlap_rows=settings.points_mall_consumer_overlap_rows,
        apply=lambda s, records: sum(apply(s, r, settings) for r in records), batch=batch)
    if done:
        log.info("points mall gave back redemptions", extra={"given_back": done})
    return done, more


def consume_all(sessions: sessionmaker[Session], settings: Settings, *,
                batch: int = 200) -> int:
    return follower.follow_all(lambda: consume_once(sessions, settings, batch=batch))


def apply(s: Session, record: dict, settings: Settings) -> int:
    """Give back the redemption of the event's order, if any is still active: 1 if done."""
    reason = _reason(record)
    order_id = record["payload"].get("order_id")
    if reason is None or not order_id:
        return 0
    row = s.scalar(select(MallRedemption).where(MallRedemption.order_id == order_id))
    if row is None or row.status != ACTIVE:
        return 0
    at = datetime.fromisoformat(record["occurred_at"])
    restock = row.quantity if reason == "cancelled" else 0
    # item row first, then the member's (the redemption's lock order)
    s.execute(select(MallItem.id).where(MallItem.id == row.item_id).with_for_update())
    s.refresh(row, with_for_update=True)
    if row.status != ACTIVE:
        return 0  # another process gave it back while this one waited
    if restock:
        s.execute(update(MallItem).where(MallItem.id == row.item_id)
                  .values(stock_left=MallItem.stock_left + restock)
                  .execution_options(synchronize_session=False))
    locked_account(s, row.user_id, levels=settings.members_levels, at=at)
    entry = member_points.give_back(
        s, order_id=order_id, points=None, source_key=f"points-mall:{row.id}:give-back",
        reason=f"points mall order {order_id} {reason}", at=at,
        source_event_id=record["event_id"])
    back = entry.points if entry is not None else 0
    row.status, row.give_back_reason, row.given_back_at = GIVEN_BACK, reason, at
    row.points_given_back = back
    emit(session=s, event=pe.PointsMallGivenBack(
        occurred_at=at, user_id=row.user_id, payload=pe.PointsMallGivenBackPayload(
            redemption_id=row.id, item_id=row.item_id, kind=row.kind, order_id=order_id,
            reason=reason, points=back, points_value_cents=points_value_cents(back, settings),
            units_restocked=restock, source_event_id=record["event_id"])))
    return 1
