"""Points: a signed ledger per member whose positive entries are lots, spent oldest first.

The account's points_balance equals the sum of the ledger and the sum of the lots'
remaining points (``check`` proves it). Nothing takes a balance below zero: a spend
beyond it is refused, and a refund's reversal takes what is left and records the rest as
``points_debt`` (policy: the debt is settled from the member's next earnings, each
settlement a ``debt_settled`` entry; it never shows as a negative balance).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.core.errors import Conflict, Unprocessable
from transactional_api.events.member_events import (
    PointsEarned,
    PointsEntryPayload,
    PointsExpired,
    PointsRefunded,
    PointsReversed,
    PointsSpent,
)
from transactional_api.events.outbox import emit
from transactional_api.members.accounts import locked_account
from transactional_api.members.levels import LevelRule
from transactional_api.members.models import MemberAccount, PointsEntry

_EVENTS = {"earn": PointsEarned, "spend": PointsSpent, "expire": PointsExpired,
           "reverse": PointsReversed, "debt_settled": PointsReversed, "refund": PointsRefunded}


def _consume_lots(session: Session, user_id: str, points: int) -> None:
    """Take points from the member's lots, the soonest to expire (the oldest) first."""
    lots = session.scalars(select(PointsEntry).where(
        PointsEntry.user_id == user_id, PointsEntry.remaining > 0)
        .order_by(PointsEntry.expires_at, PointsEntry.id))
    for lot in lots:
        if points == 0:
            break
        take = min(lot.remaining, points)
        lot.remaining -= take
        points -= take
    if points:
        raise AssertionError("lots hold fewer points than the balance")  # a broken invariant


def _add(session: Session, account: MemberAccount, *, kind: str, points: int,
         source_key: str, reason: str, at: datetime, order_id: str | None = None,
         amount_cents: int | None = None, expires_at: datetime | None = None,
         fingerprint: str | None = None, source_event_id: str | None = None,
         consume: bool = True, owed: int = 0, review_id: str | None = None) -> PointsEntry:
    if points < 0 and consume:
        _consume_lots(session, account.user_id, -points)
    account.points_balance += points
    account.points_entries += 1
    entry = PointsEntry(
        user_id=account.user_id, seq=account.points_entries, kind=kind, source_key=source_key,
        points=points, balance_after=account.points_balance, remaining=max(points, 0),
        owed=owed, reason=reason[:200], order_id=order_id, review_id=review_id,
        amount_cents=amount_cents, expires_at=expires_at, request_fingerprint=fingerprint,
        occurred_at=at)
    session.add(entry)  # flushed with the batch: a flush per entry was most of its cost
    event = _EVENTS.get(kind) or (PointsEarned if points > 0 else PointsReversed)
    emit(session=session, event=event(occurred_at=at, user_id=account.user_id, payload=(
        PointsEntryPayload(seq=entry.seq, points=abs(points), balance_after=entry.balance_after,
                           reason=entry.reason, order_id=order_id,
                           source_event_id=source_event_id))))
    return entry


def earn(session: Session, account: MemberAccount, *, points: int, source_key: str,
         reason: str, at: datetime, expiry_days: int, kind: str = "earn",
         order_id: str | None = None, amount_cents: int | None = None,
         source_event_id: str | None = None, review_id: str | None = None,
         expires_at: datetime | None = None) -> PointsEntry | None:
    """Credit a lot expiring expiry_days after ``at`` (or at ``expires_at``), then settle
    any debt from it."""
    if points <= 0:
        return None
    entry = _add(session, account, kind=kind, points=points, source_key=source_key,
                 reason=reason, at=at, order_id=order_id, amount_cents=amount_cents,
                 expires_at=expires_at or at + timedelta(days=expiry_days),
                 source_event_id=source_event_id, review_id=review_id)
    settle = min(account.points_debt, points)
    if settle:
        account.points_debt -= settle
        _add(session, account, kind="debt_settled", points=-settle,
             source_key=f"{source_key}:debt", reason="settles points owed after a refund",
             at=at, source_event_id=source_event_id)
    return entry


def reverse(session: Session, account: MemberAccount, *, points: int, source_key: str,
            reason: str, at: datetime, order_id: str | None = None,
            amount_cents: int | None = None, source_event_id: str | None = None,
            review_id: str | None = None) -> PointsEntry:
    """Take back earned points; what was already spent becomes points_debt (see above)."""
    take = min(points, account.points_balance)
    owed = points - take
    account.points_debt += owed
    note = f"{reason}; {owed} points owed" if owed else reason
    return _add(session, account, kind="reverse", points=-take, source_key=source_key,
                reason=note, at=at, order_id=order_id, amount_cents=amount_cents,
                source_event_id=source_event_id, owed=owed, review_id=review_id)


def _fingerprint(points: int, reason: str) -> str:
    return hashlib.sha256(f"{points}\x00{reason}".encode()).hexdigest()


def spend(session: Session, *, user_id: str, points: int, reason: str, idempotency_key: str,
          at: datetime, levels: list[LevelRule]) -> tuple[PointsEntry, bool]:
    """Debit points once per Idempotency-Key: (entry, created). A replay returns the first
    entry; the same key with another body is refused; a spend beyond the balance is 409."""
    account = locked_account(session, user_id, levels=levels, at=at)  # serialises spends
    key = f"spend:{user_id}:{idempotency_key}"
    fingerprint = _fingerprint(points, reason)
    existing = session.scalar(select(PointsEntry).where(PointsEntry.source_key == key))
    if existing is not None:
        if existing.request_fingerprint != fingerprint:
            raise Unprocessable("this Idempotency-Key was used for a different request",
                                code="idempotency_key_reused")
        return existing, False
    if points > account.points_balance:
        raise Conflict("not enough points", code="insufficient_points",
                       details={"balance": account.points_balance, "requested": points})
    return _add(session, account, kind="spend", points=-points, source_key=key, reason=reason,
                at=at, fingerprint=fingerprint), True


def adjust(session: Session, *, user_id: str, points: int, reason: str, key: str, at: datetime,
           levels: list[LevelRule], expiry_days: int) -> tuple[PointsEntry, bool]:
    """An operator's correction, once per key: (entry, created). A credit is a lot like
    any earning; a debit may not take the balance below zero."""
    account = locked_account(session, user_id, levels=levels, at=at)
    source_key = f"adjust:{user_id}:{key}"
    existing = session.scalar(select(PointsEntry).where(PointsEntry.source_key == source_key))
    if existing is not None:
        if existing.request_fingerprint != _fingerprint(points, reason):
            raise Unprocessable("this Idempotency-Key was used for a different request",
                                code="idempotency_key_reused")
        return existing, False
    if points < 0 and -points > account.points_balance:
        raise Conflict("an adjustment cannot take the balance below zero",
                       code="insufficient_points",
                       details={"balance": account.points_balance, "requested": points})
    if points > 0:
        entry = earn(session, account, points=points, source_key=source_key, kind="adjust",
                     reason=f"adjustment: {reason}", at=at, expiry_days=expiry_days)
    else:
        entry = _add(session, account, kind="adjust", points=points, source_key=source_key,
                     reason=f"adjustment: {reason}", at=at)
    entry.request_fingerprint = _fingerprint(points, reason)
    return entry, True


def expire_due(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Expire every lot whose time has come (oldest first); returns the points expired.
    Idempotent: each lot expires under its own source key, once."""
    users = session.scalars(select(PointsEntry.user_id).where(
        PointsEntry.remaining > 0, PointsEntry.expires_at <= now)
        .group_by(PointsEntry.user_id).order_by(PointsEntry.user_id).limit(limit)).all()
    expired = 0
    for user_id in users:
        account = session.scalar(select(MemberAccount).where(MemberAccount.user_id == user_id)
                                 .with_for_update())
        lots = session.scalars(select(PointsEntry).where(
            PointsEntry.user_id == user_id, PointsEntry.remaining > 0,
            PointsEntry.expires_at <= now).order_by(PointsEntry.expires_at, PointsEntry.id)).all()
        for lot in lots:
            amount, lot.remaining = lot.remaining, 0
            expired += amount
            _add(session, account, kind="expire", points=-amount, source_key=f"expire:{lot.id}",
                 reason=f"expired: points of entry {lot.id}", at=lot.expires_at, consume=False)
    return expired


def check(session: Session) -> list[str]:
    """Every account whose balance differs from its ledger, its lots or its last entry."""
    ledger = dict(session.execute(select(PointsEntry.user_id, func.sum(PointsEntry.points))
                                  .group_by(PointsEntry.user_id)).all())
    lots = dict(session.execute(select(PointsEntry.user_id, func.sum(PointsEntry.remaining))
                                .group_by(PointsEntry.user_id)).all())
    last = dict(session.execute(select(PointsEntry.user_id, PointsEntry.balance_after).where(
        PointsEntry.id.in_(select(func.max(PointsEntry.id)).group_by(PointsEntry.user_id)))).all())
    problems = []
    for account in session.scalars(select(MemberAccount).order_by(MemberAccount.user_id)):
        uid, bal = account.user_id, account.points_balance
        seen = (int(ledger.get(uid) or 0), int(lots.get(uid) or 0), int(last.get(uid) or 0))
        if bal < 0 or seen != (bal, bal, bal):
            problems.append(f"{uid}: balance {bal}, ledger {seen[0]}, lots {seen[1]}, "
                            f"last entry {seen[2]}")
    return problems


def ledger_page(session: Session, *, user_id: str, before_id: int | None,
                limit: int) -> list[PointsEntry]:
    """Newest first, keyset-paginated by entry id."""
    query = select(PointsEntry).where(PointsEntry.user_id == user_id)
    if before_id is not None:
        query = query.where(PointsEntry.id < before_id)
    return list(session.scalars(query.order_by(PointsEntry.id.desc()).limit(limit)))
