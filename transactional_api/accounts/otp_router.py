"""Sign-in and sign-up by a one-time code sent to an email or phone, and password reset.

Asking for a code always answers 202 with the same body, known address or not; a code
row and a message are written either way, so the work (and the time) is the same too.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from transactional_api.accounts import identity, sandbox_sender, signin, throttle
from transactional_api.accounts.identity_schemas import (
    CodeAuthOut,
    CodeRequestIn,
    CodeSentOut,
    CodeSignInIn,
    PasswordResetIn,
    SecondFactorOut,
    SessionsRevokedOut,
)
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.deps import SettingsDep
from transactional_api.core.errors import DomainError
from transactional_api.events import identity_events as ie
from transactional_api.events.outbox import emit

router = APIRouter(tags=["identity"])


class InvalidCode(DomainError):
    status_code = 400
    code = "invalid_code"

    def __init__(self):
        super().__init__("wrong or expired code; ask for a new one if this keeps happening")


@router.post("/v1/auth/codes", status_code=202, response_model=CodeSentOut)
async def request_code(body: CodeRequestIn, request: Request,
                       settings: SettingsDep) -> CodeSentOut:
    await run_in_threadpool(throttle.code_request, request.app.state.redis, settings,
                            throttle.client_address(request), body.destination)
    book = signin.codebook(request)

    def issue():
        now = clock.real_now()
        with transaction(request.app.state.sessions) as db:
            user = identity.find_user(db, body.channel, body.destination)
            user_id = user.id if user else None
            code = book.issue(db, purpose=body.purpose, channel=body.channel,
                              destination=body.destination, user_id=user_id, now=now)
            # sign_in works for a new address too (it signs up); a reset needs an account
            template = body.purpose if user or body.purpose == "sign_in" \
                else "password_reset_unknown"
            sandbox_sender.send(db, channel=body.channel, destination=body.destination,
                                template=template, now=now, code=code,
                                minutes=book.ttl_seconds // 60)
            emit(session=db, event=ie.OtpRequested(
                occurred_at=clock.now(), user_id=user_id,
                payload=ie.OtpRequestedPayload(channel=body.channel, purpose=body.purpose)))

    await run_in_threadpool(issue)
    return CodeSentOut(expires_in_seconds=book.ttl_seconds)


@router.post("/v1/auth/codes/verify", response_model=CodeAuthOut | SecondFactorOut,
             responses={201: {"model": CodeAuthOut, "description": "signed up"}},
             description="Sign in with a sign_in code; an address no account uses yet gets a "
             "new account (201). With two-factor on, a ticket for the second step instead.")
async def sign_in_by_code(body: CodeSignInIn, request: Request, response: Response,
                          settings: SettingsDep) -> CodeAuthOut | SecondFactorOut:
    await run_in_threadpool(throttle.sign_in, request.app.state.redis, settings,
                            throttle.client_address(request), body.destination)
    book = signin.codebook(request)

    def redeem():
        with transaction(request.app.state.sessions) as db:
            if book.redeem(db, purpose="sign_in", destination=body.destination,
                           code=body.code, now=clock.real_now()) is None:
                return None  # the wrong guess is counted: commit, then answer 400
            user = identity.find_user(db, body.channel, body.destination)
            if user is not None:
                return user.id, False
            user = identity.create_by_code(db, body.channel, body.destination)
            emit(session=db, event=ie.UserRegistered(
                occurred_at=clock.now(), user_id=user.id, payload=ie.UserRegisteredPayload(
                    method=f"{body.channel}_code", has_email=body.channel == "email",
                    has_phone=body.channel == "phone")))
            return user.id, True

    found = await run_in_threadpool(redeem)
    if found is None:
        raise InvalidCode()
    user_id, created = found
    out = await run_in_threadpool(signin.finish, request, user_id, first_step=body.channel,
                                  identifier=body.destination)
    if isinstance(out, SecondFactorOut):
        return out
    if created:
        response.status_code = 201
    return CodeAuthOut(**out.model_dump(), created=created)


@router.post("/v1/auth/password/reset", response_model=SessionsRevokedOut,
             description="Set a new password with a password_reset code; every session of the "
             "account is revoked.")
async def reset_password(body: PasswordResetIn, request: Request,
                         settings: SettingsDep) -> SessionsRevokedOut:
    await run_in_threadpool(throttle.sign_in, request.app.state.redis, settings,
                            throttle.client_address(request), body.destination)
    book = signin.codebook(request)
    new_hash = await request.app.state.passwords.hash(body.new_password)

    def reset():
        with transaction(request.app.state.sessions) as db:
            if book.redeem(db, purpose="password_reset", destination=body.destination,
                           code=body.code, now=clock.real_now()) is None:
                return None
            user = identity.find_user(db, body.channel, body.destination)
            if user is None:
                return None
            user.password_hash = new_hash
            revoked = identity.revoke_all(db, user.id)
            emit(session=db, event=ie.PasswordChanged(
                occurred_at=clock.now(), user_id=user.id, payload=ie.PasswordChangedPayload(
                    method="reset", sessions_revoked=revoked)))
            return revoked

    revoked = await run_in_threadpool(reset)
    if revoked is None:
        raise InvalidCode()
    return SessionsRevokedOut(sessions_revoked=revoked)
