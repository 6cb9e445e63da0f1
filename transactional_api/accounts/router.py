from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from transactional_api.accounts import service
from transactional_api.accounts.schemas import AuthOut, Credentials, MeOut, UserOut
from transactional_api.core import clock, ratelimit
from transactional_api.core.db import transaction
from transactional_api.core.deps import CurrentCaller, RedisDep, SettingsDep
from transactional_api.core.errors import Unauthorized
from transactional_api.recommendations import service as features

router = APIRouter(tags=["accounts"])


def _throttle(request: Request, settings, email: str | None) -> None:
    """Sign-in attempts per client address and per account, shared by every API process."""
    redis = request.app.state.redis
    host = request.client.host if request.client else "unknown"
    per_client = settings.login_attempts_per_minute_per_client
    ratelimit.enforce(redis, f"auth:client:{host}", rate_per_second=per_client / 60,
                      burst=max(1, int(per_client)), what="sign-in attempts from this address")
    if email is not None:
        per_account = settings.login_attempts_per_minute_per_account
        account = hashlib.sha256(email.encode()).hexdigest()[:32]
        ratelimit.enforce(redis, f"auth:account:{account}", rate_per_second=per_account / 60,
                          burst=max(1, int(per_account)),
                          what="sign-in attempts for this account")


def _issue(request: Request, settings, user) -> AuthOut:
    with transaction(request.app.state.sessions) as db:
        token = service.issue_token(session=db, user_id=user.id, now=clock.real_now(),
                                    ttl_seconds=settings.token_ttl_seconds)
    return AuthOut(user=UserOut(id=user.id, email=user.email, role=user.role), token=token)


@router.post("/v1/auth/register", status_code=201, response_model=AuthOut)
async def register(body: Credentials, request: Request, settings: SettingsDep) -> AuthOut:
    await run_in_threadpool(_throttle, request, settings, None)
    password_hash = await request.app.state.passwords.hash(body.password)

    def create():
        with transaction(request.app.state.sessions) as db:
            user = service.create_user(session=db, email=body.email, password_hash=password_hash)
        return _issue(request, settings, user)

    return await run_in_threadpool(create)


@router.post("/v1/auth/login", response_model=AuthOut)
async def login(body: Credentials, request: Request, settings: SettingsDep) -> AuthOut:
    await run_in_threadpool(_throttle, request, settings, body.email)

    def lookup():
        with request.app.state.read_sessions() as db, db.begin():
            return service.credentials(session=db, email=body.email)

    user = await run_in_threadpool(lookup)
    if not await request.app.state.passwords.verify(user.password_hash if user else None,
                                                    body.password):
        raise Unauthorized("wrong email or password", code="invalid_credentials")
    return await run_in_threadpool(_issue, request, settings, user)


@router.get("/v1/me", response_model=MeOut)
def me(caller: CurrentCaller, redis: RedisDep) -> MeOut:
    return MeOut(id=caller.id, email=caller.email, role=caller.role,
                 tags=features.user_tags(redis=redis, user_id=caller.id))

