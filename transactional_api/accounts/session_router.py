"""Sessions and the account itself: sign out here or everywhere, change the password,
delete the account; and the operators' view of the sandbox sender."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from transactional_api.accounts import deletion, identity, sandbox_sender, signin, throttle
from transactional_api.accounts.contacts import normalise_email, normalise_phone
from transactional_api.accounts.identity_schemas import (
    AccountDeletedOut,
    DeleteAccountIn,
    PasswordChangeIn,
    SandboxMessageOut,
    SandboxMessagesOut,
    SessionsRevokedOut,
)
from transactional_api.accounts.models import User
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.deps import AdminCaller, CurrentCaller, SettingsDep, token_hash
from transactional_api.core.errors import Unauthorized, Unprocessable
from transactional_api.events import identity_events as ie
from transactional_api.events.outbox import emit

router = APIRouter(tags=["identity"])
_bearer = HTTPBearer(auto_error=False)
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _signed_out(db, user_id: str, scope: str, revoked: int) -> None:
    emit(session=db, event=ie.UserSignedOut(
        occurred_at=clock.now(), user_id=user_id,
        payload=ie.UserSignedOutPayload(scope=scope, sessions_revoked=revoked)))


@router.post("/v1/auth/logout", response_model=SessionsRevokedOut,
             description="Revoke the token this request carries.")
def logout(request: Request, caller: CurrentCaller, creds: Bearer) -> SessionsRevokedOut:
    with transaction(request.app.state.sessions) as db:
        revoked = identity.revoke_token(db, token_hash(creds.credentials))
        _signed_out(db, caller.id, "session", revoked)
    return SessionsRevokedOut(sessions_revoked=revoked)


@router.post("/v1/auth/logout-all", response_model=SessionsRevokedOut,
             description="Revoke every token of the account, this one included.")
def logout_everywhere(request: Request, caller: CurrentCaller) -> SessionsRevokedOut:
    with transaction(request.app.state.sessions) as db:
        revoked = identity.revoke_all(db, caller.id)
        _signed_out(db, caller.id, "everywhere", revoked)
    return SessionsRevokedOut(sessions_revoked=revoked)


async def _password_ok(request: Request, user_id: str, password: str) -> bool:
    def current_hash():
        with request.app.state.read_sessions() as db, db.begin():
            stored = db.get(User, user_id).password_hash
        return stored if stored.startswith("$argon2") else None

    return await request.app.state.passwords.verify(await run_in_threadpool(current_hash),
                                                    password)


@router.post("/v1/auth/password", response_model=SessionsRevokedOut,
             description="Change the password (the current one is needed). Every other "
             "session of the account is revoked; this one stays.")
async def change_password(body: PasswordChangeIn, request: Request, caller: CurrentCaller,
                          creds: Bearer, settings: SettingsDep) -> SessionsRevokedOut:
    await run_in_threadpool(throttle.sign_in, request.app.state.redis, settings,
                            throttle.client_address(request), caller.email)
    if not await _password_ok(request, caller.id, body.current_password):
        raise Unauthorized("the current password is wrong", code="invalid_credentials")
    new_hash = await request.app.state.passwords.hash(body.new_password)

    def change():
        with transaction(request.app.state.sessions) as db:
            db.get(User, caller.id).password_hash = new_hash
            revoked = identity.revoke_all(db, caller.id, keep=token_hash(creds.credentials))
            emit(session=db, event=ie.PasswordChanged(
                occurred_at=clock.now(), user_id=caller.id, payload=ie.PasswordChangedPayload(
                    method="change", sessions_revoked=revoked)))
        return revoked

    return SessionsRevokedOut(sessions_revoked=await run_in_threadpool(change))


@router.delete("/v1/me", response_model=AccountDeletedOut,
               description="Delete the account: personal data erased, every session revoked, "
               "orders kept for accounting without name, phone or street address. Needs the "
               "password, or with no password set a sign_in code sent to the account.")
async def delete_account(body: DeleteAccountIn, request: Request, caller: CurrentCaller,
                         settings: SettingsDep) -> AccountDeletedOut:
    await run_in_threadpool(throttle.sign_in, request.app.state.redis, settings,
                            throttle.client_address(request), caller.email)
    if body.password is not None:
        if not await _password_ok(request, caller.id, body.password):
            raise Unauthorized("the password is wrong", code="invalid_credentials")
    elif body.code is None or body.channel is None:
        raise Unprocessable("give password, or code and channel", code="proof_required")
    book = signin.codebook(request)

    def erase():
        with transaction(request.app.state.sessions) as db:
            user = db.get(User, caller.id)
            if body.password is None:
                destination = user.email if body.channel == "email" else \
                    identity.phone_of(db, caller.id)
                if destination is None or book.redeem(
                        db, purpose="sign_in", destination=destination, code=body.code,
                        now=clock.real_now()) is None:
                    return None
            return deletion.erase(db, user=user)

    done = await run_in_threadpool(erase)
    if done is None:
        raise Unauthorized("wrong or expired code", code="invalid_code")
    throttle.forget_account(request.app.state.redis, caller.email, caller.id)
    return AccountDeletedOut(orders_kept=done["orders_kept"])


@router.get("/v1/admin/sandbox/messages", response_model=SandboxMessagesOut,
            description="What the sandbox email/SMS sender recorded for one address, newest "
            "first (tests, the demo's simulator, operators checking a complaint).")
def sandbox_messages(request: Request, _: AdminCaller,
                     to: Annotated[str, Query(min_length=3, max_length=254)],
                     limit: Annotated[int, Query(ge=1, le=100)] = 20) -> SandboxMessagesOut:
    try:
        destination = normalise_email(to) if "@" in to else normalise_phone(to)
    except ValueError as exc:
        raise Unprocessable(str(exc), code="invalid_destination") from exc
    with request.app.state.read_sessions() as db, db.begin():
        rows = sandbox_sender.messages(db, destination=destination, limit=limit)
        return SandboxMessagesOut(items=[SandboxMessageOut.model_validate(r, from_attributes=True)
                                         for r in rows])
