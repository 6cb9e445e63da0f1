"""Growth value: a signed ledger per member; levels rise at once and fall at period ends."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.events.member_events import (
    GrowthRecorded,
    GrowthRecordedPayload,
    MemberLevelChanged,
    MemberLevelChangedPayload,
)
from transactional_api.events.outbox import emit
from transactional_api.members.levels import LevelRule, level_for, rank
from transactional_api.members.models import GrowthEntry, MemberAccount, MemberCursor


def window_growth(session: Session, user_id: str, *, at: datetime, window_days: int,
                  open_ended: bool = False) -> int:
    """Growth earned in (at - window, at]; open_ended also counts entries dated after at
    (a provider's time may run a little ahead of ours: a member's view shows them)."""
    query = select(func.coalesce(func.sum(GrowthEntry.growth), 0)).where(
        GrowthEntry.user_id == user_id, GrowthEntry.occurred_at > at - timedelta(days=window_days))
    if not open_ended:
        query = query.where(GrowthEntry.occurred_at <= at)
    return session.scalar(query) or 0


class Windows:
    """The growth entries of a batch's members dated after ``since``, held in memory for
    one consumer batch, so the window's sum at each event costs no query (entries the
    batch records are added as it goes). since must be at or before every window start."""

    def __init__(self, session: Session, user_ids: set[str], since: datetime):
        self.since = since
        self._entries: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        if user_ids:
            for uid, at, growth in session.execute(select(
                    GrowthEntry.user_id, GrowthEntry.occurred_at, GrowthEntry.growth).where(
                    GrowthEntry.user_id.in_(sorted(user_ids)), GrowthEntry.occurred_at > since)):
                self._entries[uid].append((at, growth))

    def add(self, user_id: str, at: datetime, growth: int) -> None:
        self._entries[user_id].append((at, growth))

    def total(self, user_id: str, *, at: datetime, window_days: int) -> int:
        start = at - timedelta(days=window_days)
        if start < self.since:
            raise ValueError("window starts before the entries held")
        return sum(g for t, g in self._entries[user_id] if start < t <= at)


def record(session: Session, account: MemberAccount, *, growth: int, source: str,
           source_key: str, occurred_at: datetime, levels: list[LevelRule], window_days: int,
           windows: Windows, order_id: str | None = None, amount_cents: int | None = None,
           review_id: str | None = None, source_event_id: str | None = None) -> GrowthEntry:
    """Add a growth entry (the caller has checked source_key is new) and upgrade at once
    when the window's growth reaches a higher level. Never downgrades (period_end does)."""
    entry = GrowthEntry(user_id=account.user_id, source=source, source_key=source_key,
                        order_id=order_id, review_id=review_id, amount_cents=amount_cents,
                        growth=growth, occurred_at=occurred_at)
    session.add(entry)
    windows.add(account.user_id, occurred_at, growth)
    total = windows.total(account.user_id, at=occurred_at, window_days=window_days)
    if growth:
        emit(session=session, event=GrowthRecorded(
            occurred_at=occurred_at, user_id=account.user_id, payload=GrowthRecordedPayload(
                growth=growth, source=source, order_id=order_id,
                source_event_id=source_event_id, window_growth=total)))
    target = level_for(levels, total)
    if rank(levels, target.name) > rank(levels, account.level):
        _change_level(session, account, target.name, total, at=occurred_at, period_end=None,
                      direction="upgrade")
    return entry


def _change_level(session: Session, account: MemberAccount, to_level: str, total: int, *,
                  at: datetime, period_end: datetime | None, direction: str) -> None:
    emit(session=session, event=MemberLevelChanged(
        occurred_at=at, user_id=account.user_id, payload=MemberLevelChangedPayload(
            from_level=account.level, to_level=to_level, direction=direction,
            window_growth=total, period_end=period_end)))
    account.level, account.level_since = to_level, at


def period_start(now: datetime) -> datetime:
    """Periods are calendar months (UTC): the latest period end at or before now."""
    now = now.astimezone(UTC)
    return datetime(now.year, now.month, 1, tzinfo=UTC)


def period_end(session: Session, *, at: datetime, levels: list[LevelRule],
               window_days: int) -> list[tuple[str, str, str]]:
    """Downgrade every member whose growth over the window ending at ``at`` no longer holds
    their level, to the level it does hold. Returns (user_id, from, to) per change."""
    sums = dict(session.execute(
        select(GrowthEntry.user_id, func.sum(GrowthEntry.growth))
        .where(GrowthEntry.occurred_at > at - timedelta(days=window_days),
               GrowthEntry.occurred_at <= at)
        .group_by(GrowthEntry.user_id)).all())
    changes = []
    above_lowest = session.scalars(select(MemberAccount).where(
        MemberAccount.level != levels[0].name).order_by(MemberAccount.user_id)
        .with_for_update()).all()
    for account in above_lowest:
        total = int(sums.get(account.user_id) or 0)
        target = level_for(levels, total)
        if rank(levels, target.name) < rank(levels, account.level):
            changes.append((account.user_id, account.level, target.name))
            _change_level(session, account, target.name, total, at=at, period_end=at,
                          direction="downgrade")
    return changes


PERIOD_CURSOR = "period_end"


def run_due_period_end(session: Session, *, now: datetime, levels: list[LevelRule],
                       window_days: int) -> list[tuple[str, str, str]] | None:
    """Run the latest period end at or before now unless it has run (once per period,
    whichever process gets the cursor row first); None when there was nothing due."""
    due = period_start(now)
    cursor = session.scalar(select(MemberCursor).where(MemberCursor.name == PERIOD_CURSOR)
                            .with_for_update())
    if cursor is None:
        cursor = MemberCursor(name=PERIOD_CURSOR, position=0, updated_at=now)
        session.add(cursor)
    if cursor.position >= int(due.timestamp()):
        return None
    changes = period_end(session, at=due, levels=levels, window_days=window_days)
    cursor.position, cursor.updated_at = int(due.timestamp()), now
    return changes
