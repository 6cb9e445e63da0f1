"""Member levels as data: thresholds on growth value over a rolling window, and benefits.

Levels come from settings (FLYWHEEL_MEMBERS_LEVELS, a JSON list), lowest first; the first
level starts at 0. ``member_benefits`` is the public read the pricing work uses.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session


class Benefits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    member_price: bool = False
    free_shipping: bool = False
    priority_fulfilment: bool = False
    birthday_gift: bool = False


class LevelRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]
    min_growth: Annotated[int, Field(ge=0)]
    benefits: Benefits = Benefits()


DEFAULT_LEVELS: list[LevelRule] = [
    LevelRule(name="regular", min_growth=0),
    LevelRule(name="silver", min_growth=500, benefits=Benefits(member_price=True)),
    LevelRule(name="gold", min_growth=2000, benefits=Benefits(
        member_price=True, free_shipping=True, birthday_gift=True)),
    LevelRule(name="diamond", min_growth=8000, benefits=Benefits(
        member_price=True, free_shipping=True, priority_fulfilment=True, birthday_gift=True)),
]


def check_levels(levels: list[LevelRule]) -> list[LevelRule]:
    """Lowest first from 0, thresholds strictly rising, names unique (a settings validator)."""
    if not levels or levels[0].min_growth != 0:
        raise ValueError("the first level must start at min_growth 0")
    if any(b.min_growth <= a.min_growth for a, b in zip(levels, levels[1:], strict=False)):
        raise ValueError("level thresholds must rise strictly")
    if len({lv.name for lv in levels}) != len(levels):
        raise ValueError("level names must be unique")
    return levels


def level_for(levels: list[LevelRule], growth: int) -> LevelRule:
    """The highest level whose threshold the growth reaches."""
    chosen = levels[0]
    for lv in levels:
        if growth >= lv.min_growth:
            chosen = lv
    return chosen


def rank(levels: list[LevelRule], name: str) -> int:
    """Position of a level; a name no longer configured ranks as the lowest."""
    return next((i for i, lv in enumerate(levels) if lv.name == name), 0)


def by_name(levels: list[LevelRule], name: str) -> LevelRule:
    return levels[rank(levels, name)]


def next_level(levels: list[LevelRule], name: str) -> LevelRule | None:
    i = rank(levels, name)
    return levels[i + 1] if i + 1 < len(levels) else None


def member_benefits(*, session: Session, user_id: str, levels: list[LevelRule]) -> Benefits:
    """The benefits of a user's current level (the lowest level's for a non-member)."""
    from transactional_api.members.models import MemberAccount  # models import the DB base

    account = session.get(MemberAccount, user_id)
    return by_name(levels, account.level).benefits if account else levels[0].benefits
