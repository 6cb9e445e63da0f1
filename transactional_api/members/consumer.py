"""Earning from the outbox: paid orders, refunds (which also give back a share of the
points an order was paid with), published reviews and the day's first sign-in, without
touching the order or identity code. Follows the outbox by an id cursor kept in member_cursors.

Every event is applied once: its growth entry (written even when the growth is 0) is keyed
by the event id, and an event whose key exists is skipped, so re-reading is harmless. On
PostgreSQL a lower outbox id can commit after a higher one, so each pass re-reads
``members_consumer_overlap_rows`` behind the cursor; SQLite commits in id order.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.accounts.models import User
from transactional_api.config import Settings
from transactional_api.core.db import transaction, utcnow
from transactional_api.events import outbox
from transactional_api.members import activity, growth, points, redemption
from transactional_api.members.models import (
    GrowthEntry,
    MemberAccount,
    MemberCursor,
    PointsEntry,
)

log = logging.getLogger("flywheel.members")
CURSOR = "outbox"
EVENT_TYPES = ("order_paid", "refund_succeeded", "review_moderated", "user_signed_in")


def pending(session: Session) -> bool:
    """Whether the outbox has rows past the cursor (a cheap read before taking the writer)."""
    position = session.scalar(select(MemberCursor.position).where(MemberCursor.name == CURSOR))
    return outbox.last_id(session=session) > (position or 0)


def consume_once(sessions: sessionmaker[Session], settings: Settings, *,
                 batch: int = 200) -> tuple[int, bool]:
    """Apply one batch of outbox events in one transaction: (events applied, whether more
    may be waiting). Several processes may call it: the cursor row lock lets one through."""
    with sessions() as s:
        if not pending(s):
            return 0, False
    with transaction(sessions) as s:
        cursor = s.scalar(select(MemberCursor).where(MemberCursor.name == CURSOR)
                          .with_for_update())
        if cursor is None:
            cursor = MemberCursor(name=CURSOR, position=0, updated_at=utcnow())
            s.add(cursor)
            s.flush()
        overlap = 0 if s.get_bind().dialect.name == "sqlite" else \
            settings.members_consumer_overlap_rows
        rows = outbox.read_after(session=s, after_id=max(cursor.position - overlap, 0),
                                 event_types=EVENT_TYPES, limit=batch + overlap)
        done = set(s.scalars(select(GrowthEntry.source_key).where(
            GrowthEntry.source_key.in_([_key(r) for _, r in rows])))) if rows else set()
        todo = [r for _, r in rows if _key(r) not in done]
        applied = _apply_batch(s, todo, settings) if todo else 0
        more = len(rows) == batch + overlap
        newest = max((row_id for row_id, _ in rows), default=cursor.position)
        if not more:
            newest = max(newest, outbox.last_id(session=s))
        cursor.position, cursor.updated_at = max(newest, cursor.position), utcnow()
    if applied:
        log.info("members consumer applied events", extra={"applied": applied})
    return applied, more


def consume_all(sessions: sessionmaker[Session], settings: Settings, *,
                budget_seconds: float | None = None, batch: int = 200) -> int:
    """Catch up (tests, housekeeping); with a budget, stop starting batches once it is
    spent (the periodic job: the writer is shared with checkout, so it takes small bites)."""
    total, started = 0, time.monotonic()
    while True:
        applied, more = consume_once(sessions, settings, batch=batch)
        total += applied
        if not more or (budget_seconds is not None
                        and time.monotonic() - started >= budget_seconds):
            return total


def _member_of(record: dict) -> str | None:
    """Who the event earns for or takes from; None when it changes nothing for anyone."""
    if record["event_type"] == "review_moderated":
        payload = record["payload"]
        if "published" not in (payload.get("to_status"), payload.get("from_status")):
            return None  # a pending review rejected: nothing earned, nothing to take back
        return payload.get("author_id")
    return record.get("user_id")


def _apply_batch(s: Session, records: list[dict], settings: Settings) -> int:
    records = [r for r in records if _member_of(r)]
    if not records:
        return 0
    users = {_member_of(r) for r in records}
    # the earliest window any event of the batch looks back over
    since = min(_at(r) for r in records) - timedelta(days=settings.members_growth_window_days)
    windows = growth.Windows(s, users, since)
    accounts = _locked_accounts(s, users, records, settings)
    applied = 0
    for record in records:
        applied += apply(s, record, settings, windows=windows, accounts=accounts)
    return applied


def _key(record: dict) -> str:
    return f"event:{record['event_id']}"


def _at(record: dict) -> datetime:
    return datetime.fromisoformat(record["occurred_at"])


def _locked_accounts(s: Session, users: set[str], records: list[dict],
                     settings: Settings) -> dict[str, MemberAccount]:
    """The batch's members' accounts, locked, in one query; the missing ones created at the
    lowest level (on PostgreSQL a first spend creating one at the same instant fails this
    batch, which the next tick repeats). Users no longer in the shop get none."""
    accounts = {a.user_id: a for a in s.scalars(select(MemberAccount).where(
        MemberAccount.user_id.in_(sorted(users))).with_for_update())}
    missing = users - accounts.keys()
    if missing:
        first = {}
        for r in records:
            first.setdefault(_member_of(r), _at(r))
        for uid in s.scalars(select(User.id).where(User.id.in_(sorted(missing)))):
            accounts[uid] = MemberAccount(
                user_id=uid, level=settings.members_levels[0].name, level_since=first[uid],
                points_balance=0, points_debt=0, points_entries=0)
            s.add(accounts[uid])
        s.flush()  # before their entries: without relationships the flush order is free
    return accounts


def apply(s: Session, record: dict, settings: Settings, *, windows: growth.Windows,
          accounts: dict[str, MemberAccount]) -> int:
    """Apply one event (its key is known to be new); 1 if it changed a member's numbers
    (0 for a day's later sign-ins)."""
    payload, kind = record["payload"], record["event_type"]
    user_id = _member_of(record)
    if not user_id:
        return 0
    at, levels = _at(record), settings.members_levels
    account = accounts.get(user_id)
    if account is None:
        return 0  # not (or no longer) a user of the shop
    common = {"source_key": _key(record), "occurred_at": at, "levels": levels,
              "window_days": settings.members_growth_window_days, "windows": windows,
              "source_event_id": record["event_id"]}
    if kind == "order_paid":
        cents, order_id = payload["amount_cents"], payload["order_id"]
        growth.record(s, account, growth=cents * settings.members_growth_per_100_cents // 100,
                      source="order_paid", order_id=order_id, amount_cents=cents, **common)
        points.earn(s, account, points=cents * settings.members_points_per_100_cents // 100,
                    source_key=_key(record), reason=f"order {order_id} paid", at=at,
                    expiry_days=settings.members_points_expiry_days, order_id=order_id,
                    amount_cents=cents, source_event_id=record["event_id"])
    elif kind == "refund_succeeded":
        _reverse_refund(s, account, record, common)
    elif kind == "user_signed_in":
        # keyed by the day, not the event: a second sign-in that day changes nothing
        return int(activity.sign_in(s, account, settings, at=at, windows=windows,
                                    source_event_id=record["event_id"]) is not None)
    else:
        _review(s, account, record, common, settings)
    return 1


def _review(s: Session, account: MemberAccount, record: dict, common: dict,
            settings: Settings) -> None:
    """A review published earns; a published one taken down gives back what it earned
    (nothing when its publication was never credited, e.g. before members existed)."""
    review_id, at = record["payload"]["review_id"], common["occurred_at"]
    if record["payload"].get("to_status") == "published":
        growth.record(s, account, growth=settings.members_review_growth, source="review",
                      review_id=review_id, **common)
        points.earn(s, account, points=settings.members_review_points,
                    source_key=_key(record), reason=f"review {review_id} published", at=at,
                    expiry_days=settings.members_points_expiry_days, review_id=review_id,
                    source_event_id=record["event_id"])
        return
    held = s.scalar(select(func.coalesce(func.sum(GrowthEntry.growth), 0)).where(
        GrowthEntry.review_id == review_id, GrowthEntry.user_id == account.user_id)) or 0
    growth.record(s, account, growth=-int(held), source="review", review_id=review_id,
                  **common)
    earned = s.scalar(select(func.coalesce(func.sum(PointsEntry.points - PointsEntry.owed), 0))
                      .where(PointsEntry.review_id == review_id,
                             PointsEntry.user_id == account.user_id)) or 0
    if earned > 0:
        points.reverse(s, account, points=int(earned), source_key=_key(record), at=at,
                       reason=f"review {review_id} unpublished", review_id=review_id,
                       source_event_id=record["event_id"])


def _reverse_refund(s: Session, account, record: dict, common: dict) -> None:
    """Take back the growth and points of the refunded share of a paid order: after the
    refunds so far, floor(earned * refunded / paid) of each is gone (several partial
    refunds take back exactly what one refund of their sum would)."""
    payload = record["payload"]
    order_id, cents = payload["order_id"], payload["amount_cents"]
    paid = s.execute(select(GrowthEntry.amount_cents, GrowthEntry.growth).where(
        GrowthEntry.order_id == order_id, GrowthEntry.source == "order_paid")).first()
    if paid is None or not paid.amount_cents:
        # paid before members existed, or never paid (a refund of money owed back: an order
        # cancelled unpaid already had its points back)
        return
    refunded_before, growth_back = s.execute(select(
        func.coalesce(func.sum(GrowthEntry.amount_cents), 0),
        func.coalesce(func.sum(GrowthEntry.growth), 0)).where(
        GrowthEntry.order_id == order_id, GrowthEntry.source == "refund")).one()
    refunded = min(int(refunded_before) + cents, paid.amount_cents)
    back = redemption.refunded_share(s, order_id=order_id, refunded_cents=refunded)
    if back:
        redemption.give_back(s, order_id=order_id, points=back,
                             source_key=f"{common['source_key']}:spent", at=common["occurred_at"],
                             reason=f"refund of order {order_id}: points paid back",
                             amount_cents=cents, source_event_id=record["event_id"])

    def share(earned: int) -> int:
        return earned * refunded // paid.amount_cents

    growth.record(s, account, growth=-(share(paid.growth) + int(growth_back)), source="refund",
                  order_id=order_id, amount_cents=cents, **common)
    earned = s.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
        PointsEntry.order_id == order_id, PointsEntry.kind == "earn")) or 0
    taken = -(s.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
        PointsEntry.order_id == order_id, PointsEntry.kind == "reverse")) or 0)
    owed_before = _owed(s, order_id)
    due = share(int(earned)) - int(taken) - owed_before
    if due > 0:
        points.reverse(s, account, points=due, source_key=common["source_key"],
                       reason=f"refund of order {order_id}", at=common["occurred_at"],
                       order_id=order_id, amount_cents=cents,
                       source_event_id=record["event_id"])


def _owed(s: Session, order_id: str) -> int:
    """Points of this order's earlier reversals that were owed instead of taken."""
    return int(s.scalar(select(func.coalesce(func.sum(PointsEntry.owed), 0)).where(
        PointsEntry.order_id == order_id, PointsEntry.kind == "reverse")) or 0)
