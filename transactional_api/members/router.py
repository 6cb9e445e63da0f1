"""Members API: a shopper's level, growth and points; operators' view and corrections."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from sqlalchemy.orm import Session

from transactional_api.accounts.models import User
from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, Db, MarketingCaller, ReadDb, SettingsDep
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.members import points
from transactional_api.members.growth import window_growth
from transactional_api.members.levels import by_name, next_level
from transactional_api.members.models import MemberAccount
from transactional_api.members.schemas import (
    AdjustmentIn,
    LedgerPage,
    MemberOut,
    NextLevelOut,
    PointsEntryOut,
    RedemptionIn,
)

router = APIRouter(tags=["members"])
UserPath = Annotated[str, Path(min_length=1, max_length=36)]
RequiredKey = Annotated[str, Header(min_length=1, max_length=100)]
OptionalKey = Annotated[str | None, Header(min_length=1, max_length=100)]


def member_view(session: Session, user_id: str, settings: Settings) -> MemberOut:
    levels, days = settings.members_levels, settings.members_growth_window_days
    account = session.get(MemberAccount, user_id)
    level = by_name(levels, account.level) if account else levels[0]
    total = window_growth(session, user_id, at=clock.now(), window_days=days,
                          open_ended=True)
    nxt = next_level(levels, level.name)
    return MemberOut(
        user_id=user_id, level=level.name, level_since=account.level_since if account else None,
        benefits=level.benefits, window_growth=total, window_days=days,
        points_balance=account.points_balance if account else 0,
        points_debt=account.points_debt if account else 0,
        next_level=NextLevelOut(name=nxt.name, min_growth=nxt.min_growth,
                                growth_missing=max(nxt.min_growth - total, 0)) if nxt else None,
        birth_date=account.birth_date if account else None)


@router.get("/v1/members/me", response_model=MemberOut)
def me(db: ReadDb, caller: CurrentCaller, settings: SettingsDep) -> MemberOut:
    """Level, its benefits, growth over the window, points, and what the next level needs."""
    return member_view(db, caller.id, settings)


@router.get("/v1/members/me/points/ledger", response_model=LedgerPage)
def my_ledger(db: ReadDb, caller: CurrentCaller,
              before_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
              limit: Annotated[int, Query(ge=1, le=200)] = 50) -> LedgerPage:
    """Points entries newest first; the balance after each is in balance_after."""
    rows = points.ledger_page(db, user_id=caller.id, before_id=before_id, limit=limit)
    return LedgerPage(items=[PointsEntryOut.model_validate(r) for r in rows],
                      next_before_id=rows[-1].id if len(rows) == limit else None)


REPLAYED = {200: {"model": PointsEntryOut,
                  "description": "A replayed Idempotency-Key: the first request's entry"}}


@router.post("/v1/members/me/points/redemptions", status_code=201,
             response_model=PointsEntryOut, responses=REPLAYED)
def redeem(body: RedemptionIn, db: Db, caller: CurrentCaller, settings: SettingsDep,
           response: Response, idempotency_key: RequiredKey) -> PointsEntryOut:
    """Spend points (the Idempotency-Key header is required: a replay answers 200 with the
    first entry). 409 insufficient_points past the balance; never below zero."""
    with db.begin():
        entry, created = points.spend(db, user_id=caller.id, points=body.points,
                                      reason=body.reason, idempotency_key=idempotency_key,
                                      at=clock.now(), levels=settings.members_levels)
        db.flush()  # the entry's id
        if not created:
            response.status_code = 200
        return PointsEntryOut.model_validate(entry)


@router.get("/v1/admin/members/{user_id}", response_model=MemberOut)
def admin_member(user_id: UserPath, db: ReadDb, _: MarketingCaller,
                 settings: SettingsDep) -> MemberOut:
    if db.get(User, user_id) is None:
        raise NotFound("user not found")
    return member_view(db, user_id, settings)


@router.post("/v1/admin/members/{user_id}/points/adjustments", status_code=201,
             response_model=PointsEntryOut, responses=REPLAYED)
def adjust_points(user_id: UserPath, body: AdjustmentIn, db: Db, caller: MarketingCaller,
                  settings: SettingsDep, response: Response,
                  idempotency_key: OptionalKey = None) -> PointsEntryOut:
    """Credit or debit a member's points with a reason (recorded as "adjustment: reason");
    a debit never takes the balance below zero."""
    if body.points == 0:
        raise Unprocessable("points must not be 0", code="invalid_points")
    with db.begin():
        entry, created = points.adjust(
            db, user_id=user_id, points=body.points,
            reason=f"{body.reason} (by {caller.email})"[:180],
            key=idempotency_key or str(uuid.uuid4()), at=clock.now(),
            levels=settings.members_levels, expiry_days=settings.members_points_expiry_days)
        db.flush()  # the entry's id
        if not created:
            response.status_code = 200
        return PointsEntryOut.model_validate(entry)
