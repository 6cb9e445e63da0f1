from __future__ import annotations

from fastapi import APIRouter

from transactional_api.accounts import service
from transactional_api.accounts.schemas import AuthOut, Credentials, MeOut, UserOut
from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, Db, RedisDep, SettingsDep
from transactional_api.recommendations import service as features

router = APIRouter(tags=["accounts"])


def _signed_in(db, user, settings) -> AuthOut:
    token = service.issue_token(session=db, user_id=user.id, now=clock.real_now(),
                                ttl_seconds=settings.token_ttl_seconds)
    return AuthOut(user=UserOut(id=user.id, email=user.email, role=user.role), token=token)


@router.post("/v1/auth/register", status_code=201, response_model=AuthOut)
def register(body: Credentials, db: Db, settings: SettingsDep) -> AuthOut:
    with db.begin():
        user = service.register(session=db, email=body.email, password=body.password)
        return _signed_in(db, user, settings)


@router.post("/v1/auth/login", response_model=AuthOut)
def login(body: Credentials, db: Db, settings: SettingsDep) -> AuthOut:
    with db.begin():
        user = service.login(session=db, email=body.email, password=body.password)
        return _signed_in(db, user, settings)


@router.get("/v1/me", response_model=MeOut)
def me(caller: CurrentCaller, redis: RedisDep) -> MeOut:
    return MeOut(id=caller.id, email=caller.email, role=caller.role,
                 tags=features.user_tags(redis=redis, user_id=caller.id))
