"""A member's level and points balance, as other domains may read them (tags' audience
rules); one query for a whole batch of users."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.members.levels import LevelRule, by_name
from transactional_api.members.models import MemberAccount


@dataclass(frozen=True)
class Standing:
    level: str
    points_balance: int


def standings(*, session: Session, user_ids: list[str],
              levels: list[LevelRule]) -> dict[str, Standing]:
    """Every user's standing; a user who never earned anything is at the lowest level with
    no points, and a level no longer configured reads as the lowest (levels.rank)."""
    found = {
        user_id: Standing(level=by_name(levels, level).name, points_balance=int(balance))
        for user_id, level, balance in session.execute(
            select(MemberAccount.user_id, MemberAccount.level, MemberAccount.points_balance)
            .where(MemberAccount.user_id.in_(user_ids)))
    } if user_ids else {}
    base = Standing(level=levels[0].name, points_balance=0)
    return {user_id: found.get(user_id, base) for user_id in user_ids}
