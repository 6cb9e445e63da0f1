"""How a group learns its members' orders were paid or ended: it follows the outbox
(order_paid, order_cancelled) by an id cursor kept in group_buy_cursors, without touching
the payment code.

Correct under concurrency: one consumer at a time (the cursor row's lock); each event is
applied under its group's row lock, the lock joins and the close job take too; and
applying is idempotent by the member's state (a paid seat is not paid twice, a freed seat
is not freed twice), so re-reading is harmless. On PostgreSQL a lower outbox id can commit
after a higher one, so each pass re-reads ``group_buy_consumer_overlap_rows`` behind the
cursor; SQLite commits in id order. The close job settles pending seats from the orders
themselves, so a payment the consumer has not seen yet is never lost at the window's end.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.events import follower
from transactional_api.group_buys import lifecycle, service
from transactional_api.group_buys.models import GroupBuyCursor, GroupBuyMember

log = logging.getLogger("flywheel.group_buys")
CURSOR = "outbox"
EVENT_TYPES = ("order_paid", "order_cancelled")


def consume_once(sessions: sessionmaker[Session], settings: Settings, *,
                 batch: int = 200) -> tuple[int, bool]:
    """Apply one batch in one transaction: (events about group members, more waiting)."""
    applied, more = follower.follow_once(
        sessions, cursor_model=GroupBuyCursor, name=CURSOR, event_types=EVENT_TYPES,
        overlap_rows=settings.group_buy_consumer_overlap_rows, apply=_apply, batch=batch)
    if applied:
        log.info("group-buy consumer applied events", extra={"applied": applied})
    return applied, more


def consume_all(sessions: sessionmaker[Session], settings: Settings, *,
                budget_seconds: float | None = None, batch: int = 200) -> int:
    return follower.follow_all(lambda: consume_once(sessions, settings, batch=batch),
                               budget_seconds=budget_seconds)


def _apply(s: Session, records: list[dict]) -> int:
    by_order = {r["payload"]["order_id"]: r for r in records}
    if not by_order:
        return 0
    groups = dict(s.execute(select(GroupBuyMember.order_id, GroupBuyMember.group_id).where(
        GroupBuyMember.order_id.in_(sorted(by_order)))).all())
    applied = 0
    for record in records:
        order_id = record["payload"]["order_id"]
        if order_id not in groups:
            continue  # not a group buy's order
        group = service.get_group(session=s, group_id=groups[order_id], lock=True)
        member = s.scalar(select(GroupBuyMember).where(GroupBuyMember.order_id == order_id)
                          .execution_options(populate_existing=True))
        at = datetime.fromisoformat(record["occurred_at"])
        if record["event_type"] == "order_paid":
            lifecycle.on_paid(s, group, member, at)
        else:
            lifecycle.on_cancelled(s, group, member, at)
        applied += 1
    return applied
