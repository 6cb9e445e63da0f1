"""Member accounts: created on first use, locked for every change to a member's numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts.models import User
from transactional_api.core.errors import NotFound
from transactional_api.members.levels import LevelRule
from transactional_api.members.models import MemberAccount


def locked_account(session: Session, user_id: str, *, levels: list[LevelRule],
                   at: datetime) -> MemberAccount:
    """The member's account, row-locked (PostgreSQL; SQLite's writer holds the whole file),
    created at the lowest level when the user has none yet."""
    account = session.scalar(select(MemberAccount).where(MemberAccount.user_id == user_id)
                             .with_for_update())
    if account is not None:
        return account
    if session.get(User, user_id) is None:
        raise NotFound("user not found")
    try:
        # Two first earnings at once on PostgreSQL: the loser's savepoint rolls back and it
        # reads (and locks) the winner's row.
        with session.begin_nested():
            session.add(MemberAccount(user_id=user_id, level=levels[0].name, level_since=at,
                                      points_balance=0, points_debt=0, points_entries=0))
    except IntegrityError:
        pass
    return session.scalar(select(MemberAccount).where(MemberAccount.user_id == user_id)
                          .with_for_update())
