"""TOTP two-factor: enrol (seed + QR URI), activate with a first code, the second step of a
sign-in, recovery codes, and turning it off."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from transactional_api.accounts import identity, signin, throttle, totp
from transactional_api.accounts.contacts import public_email
from transactional_api.accounts.identity_schemas import (
    RecoveryCodesOut,
    SecondFactorIn,
    TotpCodeIn,
    TotpEnrolOut,
)
from transactional_api.accounts.models import User
from transactional_api.accounts.schemas import AuthOut
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.deps import CurrentCaller, SettingsDep
from transactional_api.core.errors import DomainError, NotFound
from transactional_api.events import identity_events as ie
from transactional_api.events.outbox import emit

router = APIRouter(tags=["identity"])


class InvalidSecondFactor(DomainError):
    status_code = 400
    code = "invalid_second_factor"

    def __init__(self, what: str = "wrong, expired or already used code"):
        super().__init__(what)


@router.post("/v1/auth/2fa/totp", response_model=TotpEnrolOut,
             description="Start (or restart) enrolment: a new seed and its otpauth:// URI. "
             "Two-factor is on only once POST /v1/auth/2fa/totp/activate accepts a code.")
def enrol(request: Request, caller: CurrentCaller) -> TotpEnrolOut:
    with transaction(request.app.state.sessions) as db:
        label = public_email(caller.email) or identity.phone_of(db, caller.id) or caller.id
        secret, uri = totp.enrol(db, user_id=caller.id, label=label, now=clock.real_now())
    return TotpEnrolOut(secret=secret, otpauth_uri=uri)


@router.post("/v1/auth/2fa/totp/activate", response_model=RecoveryCodesOut)
def activate(body: TotpCodeIn, request: Request, caller: CurrentCaller) -> RecoveryCodesOut:
    book = signin.codebook(request)
    with transaction(request.app.state.sessions) as db:
        codes = totp.activate(db, book, user_id=caller.id, code=body.code,
                              now=clock.real_now())
        if codes is not None:
            emit(session=db, event=ie.TwoFactorEnabled(
                occurred_at=clock.now(), user_id=caller.id,
                payload=ie.TwoFactorEnabledPayload(kind="totp", recovery_codes=len(codes))))
    if codes is None:
        raise InvalidSecondFactor()
    return RecoveryCodesOut(recovery_codes=codes)


def _require_code(request: Request, caller_id: str, code: str) -> None:
    with transaction(request.app.state.sessions) as db:
        if not identity.two_factor_on(db, caller_id):
            raise NotFound("two-factor authentication is off", code="two_factor_off")
        ok = totp.accept(db, user_id=caller_id, code=code, now=clock.real_now())
    if not ok:
        raise InvalidSecondFactor()


@router.post("/v1/auth/2fa/recovery-codes", response_model=RecoveryCodesOut,
             description="A new set of recovery codes (the old set stops working); needs a "
             "current TOTP code.")
def regenerate(body: TotpCodeIn, request: Request, caller: CurrentCaller) -> RecoveryCodesOut:
    _require_code(request, caller.id, body.code)
    with transaction(request.app.state.sessions) as db:
        codes = totp.new_recovery_codes(db, signin.codebook(request), user_id=caller.id,
                                        now=clock.real_now())
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/v1/auth/2fa/totp/disable", status_code=204,
             description="Turn two-factor off; needs a current TOTP code.")
def disable(body: TotpCodeIn, request: Request, caller: CurrentCaller) -> None:
    _require_code(request, caller.id, body.code)
    with transaction(request.app.state.sessions) as db:
        identity.remove_two_factor(db, caller.id)
        emit(session=db, event=ie.TwoFactorDisabled(
            occurred_at=clock.now(), user_id=caller.id,
            payload=ie.TwoFactorDisabledPayload(kind="totp")))


@router.post("/v1/auth/second-factor", response_model=AuthOut,
             description="The second step of a sign-in: the ticket the first step gave, and a "
             "TOTP code or a recovery code. A ticket dies after a few wrong codes.")
async def second_factor(body: SecondFactorIn, request: Request,
                        settings: SettingsDep) -> AuthOut:
    await run_in_threadpool(throttle.sign_in, request.app.state.redis, settings,
                            throttle.client_address(request), None)
    book = signin.codebook(request)

    def verify():
        now = clock.real_now()
        with transaction(request.app.state.sessions) as db:
            ticket = book.open_ticket(db, ticket=body.ticket, now=now)
            if ticket is None:
                return None
            user_id = ticket.user_id
            if body.code is not None:
                ok, used = totp.accept(db, user_id=user_id, code=body.code, now=now), "totp"
            else:
                remaining = totp.use_recovery_code(db, book, user_id=user_id,
                                                   code=body.recovery_code, now=now)
                ok, used = remaining is not None, "recovery_code"
            if not ok:
                ticket.attempts += 1  # committed: the ticket runs out of guesses
                return None
            ticket.consumed_at = now
            if used == "recovery_code":
                emit(session=db, event=ie.RecoveryCodeUsed(
                    occurred_at=clock.now(), user_id=user_id,
                    payload=ie.RecoveryCodeUsedPayload(remaining=remaining)))
            return signin.issue_session(db, request, db.get(User, user_id),
                                        method=signin.method_of(ticket.channel),
                                        second_factor=used)

    out = await run_in_threadpool(verify)
    if out is None:
        raise InvalidSecondFactor()
    return out
