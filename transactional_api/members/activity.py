"""Earning from activity: a day's first sign-in (a bonus every Nth day in a row), sharing a
product (rewarded a few times a day), and a birthday (once a year, by the housekeeping job).

Each activity is one ``member_activities`` row under a unique (member, kind, key): the UTC
date for a sign-in, the request's key for a share, the year for a birthday. So repeating
any of them (a second sign-in that day, a retried share, the job running twice) earns
nothing more. Sign-ins arrive through the outbox (``user_signed_in``, members consumer);
shares and birthdays are written in their own transaction.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core.errors import Conflict, Unprocessable
from transactional_api.events import member_events as me
from transactional_api.events.outbox import emit
from transactional_api.members import growth, points
from transactional_api.members.accounts import locked_account
from transactional_api.members.levels import by_name
from transactional_api.members.models import MemberAccount, MemberActivity

BIRTHDAY_GRACE_DAYS = 7  # a birthday the nightly job missed (API down) is still granted


def _find(session: Session, user_id: str, kind: str, key: str) -> MemberActivity | None:
    return session.scalar(select(MemberActivity).where(
        MemberActivity.user_id == user_id, MemberActivity.kind == kind,
        MemberActivity.key == key))


def _credit(session: Session, account: MemberAccount, settings: Settings, *, source: str,
            source_key: str, at: datetime, points_: int, growth_: int, reason: str,
            windows: growth.Windows | None = None,
            source_event_id: str | None = None) -> None:
    if growth_:
        window = settings.members_growth_window_days
        windows = windows or growth.Windows(session, {account.user_id},
                                            at - timedelta(days=window))
        growth.record(session, account, growth=growth_, source=source, source_key=source_key,
                      occurred_at=at, levels=settings.members_levels, window_days=window,
                      windows=windows, source_event_id=source_event_id)
    points.earn(session, account, points=points_, source_key=source_key, reason=reason, at=at,
                expiry_days=settings.members_points_expiry_days,
                source_event_id=source_event_id)


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def sign_in(session: Session, account: MemberAccount, settings: Settings, *, at: datetime,
            windows: growth.Windows | None = None,
            source_event_id: str | None = None) -> MemberActivity | None:
    """The day's first sign-in earns (None for any later one that day). The streak is the
    days in a row signed in; every ``members_sign_in_streak_days``-th adds the bonus."""
    day = _day(at)
    if _find(session, account.user_id, "sign_in", day.isoformat()) is not None:
        return None
    before = _find(session, account.user_id, "sign_in", (day - timedelta(days=1)).isoformat())
    streak = before.streak + 1 if before else 1
    bonus = settings.members_sign_in_streak_bonus_points \
        if streak % settings.members_sign_in_streak_days == 0 else 0
    earned, grown = settings.members_sign_in_points + bonus, settings.members_sign_in_growth
    row = MemberActivity(user_id=account.user_id, kind="sign_in", key=day.isoformat(),
                         activity_date=day, streak=streak, points=earned, growth=grown,
                         occurred_at=at)
    session.add(row)
    note = f"sign-in, day {streak} in a row" + (" (streak bonus)" if bonus else "")
    _credit(session, account, settings, source="sign_in",
            source_key=f"sign_in:{account.user_id}:{day.isoformat()}", at=at, points_=earned,
            growth_=grown, reason=note, windows=windows, source_event_id=source_event_id)
    emit(session=session, event=me.SignInRewarded(
        occurred_at=at, user_id=account.user_id, payload=me.SignInRewardedPayload(
            activity_date=day.isoformat(), streak=streak, points=earned, bonus_points=bonus,
            growth=grown)))
    return row


def share(session: Session, *, user_id: str, product_id: str, channel: str, key: str,
          at: datetime, settings: Settings) -> tuple[MemberActivity, bool]:
    """Record a share once per key: (row, created). The day's first
    ``members_shares_rewarded_per_day`` shares earn; later ones are recorded unpaid."""
    account = locked_account(session, user_id, levels=settings.members_levels, at=at)
    existing = _find(session, user_id, "share", key)
    if existing is not None:
        if (existing.product_id, existing.channel) != (product_id, channel):
            raise Unprocessable("this Idempotency-Key was used for a different share",
                                code="idempotency_key_reused")
        return existing, False
    day = _day(at)
    before = session.scalar(select(func.count()).select_from(MemberActivity).where(
        MemberActivity.user_id == user_id, MemberActivity.kind == "share",
        MemberActivity.activity_date == day)) or 0
    rewarded = before < settings.members_shares_rewarded_per_day
    earned = settings.members_share_points if rewarded else 0
    grown = settings.members_share_growth if rewarded else 0
    row = MemberActivity(user_id=user_id, kind="share", key=key, activity_date=day, streak=0,
                         product_id=product_id, channel=channel, points=earned, growth=grown,
                         occurred_at=at)
    session.add(row)
    _credit(session, account, settings, source="share", source_key=f"share:{user_id}:{key}",
            at=at, points_=earned, growth_=grown, reason=f"shared product {product_id}")
    emit(session=session, event=me.ProductShared(
        occurred_at=at, user_id=user_id, payload=me.ProductSharedPayload(
            share_id=key, product_id=product_id, channel=channel, rewarded=rewarded,
            shares_today=before + 1, points=earned, growth=grown)))
    return row, True


def set_birthday(session: Session, *, user_id: str, birth_date: date, at: datetime,
                 settings: Settings) -> MemberAccount:
    """The member states a birthday once (setting the same one again is a no-op); a
    birthday set on the day itself earns from the next year on."""
    if not date(1900, 1, 1) <= birth_date <= _day(at):
        raise Unprocessable("birth_date must be a past date after 1900",
                            code="invalid_birth_date")
    account = locked_account(session, user_id, levels=settings.members_levels, at=at)
    if account.birth_date is not None and account.birth_date != birth_date:
        raise Conflict("the birthday is already set; ask support to change it",
                       code="birthday_already_set",
                       details={"birth_date": account.birth_date.isoformat()})
    if account.birth_date is None:
        account.birth_date, account.birth_date_set_at = birth_date, at
    return account


def birthday_in(year: int, born: date) -> date:
    """The birthday in ``year``: 29 February falls on the 28th in other years."""
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def grant_birthdays(session: Session, *, now: datetime, settings: Settings,
                    limit: int = 1000) -> int:
    """Reward every member whose birthday fell in the last BIRTHDAY_GRACE_DAYS (today
    included) and was not yet rewarded that year; returns how many were rewarded."""
    today = _day(now)
    first = today - timedelta(days=BIRTHDAY_GRACE_DAYS - 1)
    months = sorted({first.month, today.month})
    candidates = session.scalars(select(MemberAccount).where(
        MemberAccount.birth_date.is_not(None),
        or_(*[extract("month", MemberAccount.birth_date) == m for m in months]))
        .order_by(MemberAccount.user_id).limit(limit)).all()
    granted = 0
    for account in candidates:
        for year in sorted({first.year, today.year}):
            day = birthday_in(year, account.birth_date)
            if not first <= day <= today or _day(account.birth_date_set_at or now) >= day:
                continue
            if _find(session, account.user_id, "birthday", str(year)) is not None:
                continue
            granted += _grant(session, account, settings, year=year, day=day, now=now)
    return granted


def _grant(session: Session, account: MemberAccount, settings: Settings, *, year: int,
           day: date, now: datetime) -> int:
    account = session.scalar(select(MemberAccount).where(
        MemberAccount.user_id == account.user_id).with_for_update())
    level = by_name(settings.members_levels, account.level)
    earned = settings.members_birthday_gift_points if level.benefits.birthday_gift \
        else settings.members_birthday_points
    grown = settings.members_birthday_growth
    session.add(MemberActivity(user_id=account.user_id, kind="birthday", key=str(year),
                               activity_date=day, streak=0, points=earned, growth=grown,
                               occurred_at=now))
    _credit(session, account, settings, source="birthday",
            source_key=f"birthday:{account.user_id}:{year}", at=now, points_=earned,
            growth_=grown, reason=f"birthday {year}")
    emit(session=session, event=me.BirthdayRewarded(
        occurred_at=now, user_id=account.user_id, payload=me.BirthdayRewardedPayload(
            year=year, level=level.name, points=earned, growth=grown)))
    return 1
