from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from transactional_api.accounts import identity, service, signin, throttle
from transactional_api.accounts.contacts import public_email
from transactional_api.accounts.identity_schemas import LoginIn, SecondFactorOut
from transactional_api.accounts.schemas import AuthOut, Credentials, MeOut
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.deps import CurrentCaller, RedisDep, SettingsDep
from transactional_api.core.errors import Unauthorized
from transactional_api.events import identity_events as ie
from transactional_api.events.outbox import emit
from transactional_api.promoters import links
from transactional_api.recommendations import service as features
from transactional_api.risk import gates as risk_gates
from transactional_api.tags import service as tags
from transactional_api.tags.schemas import UserTagOut

router = APIRouter(tags=["accounts"])


@router.post("/v1/auth/register", status_code=201, response_model=AuthOut)
async def register(body: Credentials, request: Request, settings: SettingsDep) -> AuthOut:
    await run_in_threadpool(throttle.registration, request.app.state.redis, settings,
                            throttle.client_address(request), body.email)
    await run_in_threadpool(risk_gates.check_registration, request)
    password_hash = await request.app.state.passwords.hash(body.password)

    def create():
        with transaction(request.app.state.sessions) as db:
            user = service.create_user(session=db, email=body.email, password_hash=password_hash)
            emit(session=db, event=ie.UserRegistered(
                occurred_at=clock.now(), user_id=user.id, payload=ie.UserRegisteredPayload(
                    method="password", has_email=True, has_phone=False)))
            links.bind_ref(request, session=db, buyer_id=user.id, code=body.ref)
            token = service.issue_token(session=db, user_id=user.id, now=clock.real_now(),
                                        ttl_seconds=settings.token_ttl_seconds)
            return AuthOut(user=signin.user_out(db, user), token=token)

    return await run_in_threadpool(create)


@router.post("/v1/auth/login", response_model=AuthOut | SecondFactorOut,
             description="Password sign-in by email or by verified phone. With two-factor "
             "on, the answer is a ticket for POST /v1/auth/second-factor instead of a token.")
async def login(body: LoginIn, request: Request,
                settings: SettingsDep) -> AuthOut | SecondFactorOut:
    channel, identifier = ("email", body.email) if body.email else ("phone", body.phone)
    await run_in_threadpool(throttle.sign_in, request.app.state.redis, settings,
                            throttle.client_address(request), identifier)

    def lookup():
        with request.app.state.read_sessions() as db, db.begin():
            user = identity.find_user(db, channel, identifier)
            if user is None:
                return None, None
            # No password set ("!none", "!imported"): verify against the dummy hash, so such
            # an account answers as slowly as an unknown one.
            usable = user.password_hash.startswith("$argon2")
            return user.id, (user.password_hash if usable else None)

    user_id, password_hash = await run_in_threadpool(lookup)
    # An unknown account costs the same argon2 verify as a known one (passwords.py).
    if not await request.app.state.passwords.verify(password_hash, body.password):
        raise Unauthorized("wrong email or password", code="invalid_credentials")
    return await run_in_threadpool(signin.finish, request, user_id, first_step="password",
                                   identifier=identifier)


@router.get("/v1/me", response_model=MeOut)
def me(request: Request, caller: CurrentCaller, redis: RedisDep) -> MeOut:
    with request.app.state.read_sessions() as db, db.begin():
        phone = identity.phone_of(db, caller.id)
        two_factor = identity.two_factor_on(db, caller.id)
        user_tags = tags.served_tags(session=db, redis_client=redis, user_id=caller.id)
    return MeOut(id=caller.id, email=public_email(caller.email), role=caller.role, phone=phone,
                 two_factor_enabled=two_factor,
                 tags=features.user_tags(redis=redis, user_id=caller.id),
                 user_tags=[UserTagOut.of(t) for t in user_tags])
