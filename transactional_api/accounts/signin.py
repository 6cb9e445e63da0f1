"""The end of every sign-in path: a token, or a second-factor ticket when the account has
two-factor on. Shared by password sign-in, sign-in by code and the second step."""

from __future__ import annotations

from fastapi import Request

from transactional_api.accounts import identity, service, throttle
from transactional_api.accounts.codes import CodeBook, derive_key
from transactional_api.accounts.contacts import public_email
from transactional_api.accounts.identity_schemas import SecondFactorOut
from transactional_api.accounts.models import User
from transactional_api.accounts.schemas import AuthOut, UserOut
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.events import identity_events as ie
from transactional_api.events.outbox import emit
from transactional_api.risk import gates as risk_gates

# first step -> the method the user_signed_in event names (channel column of a ticket)
METHODS = {"password": "password", "email": "email_code", "phone": "phone_code"}


def method_of(first_step: str) -> str:
    """The user_signed_in method of a first step; "oidc:<provider>" names itself."""
    return first_step if first_step.startswith("oidc:") else METHODS[first_step]


def codebook(request: Request) -> CodeBook:
    """The process's code book, keyed by the installation secret (never stored in the DB)."""
    state = request.app.state
    book = getattr(state, "identity_codes", None)
    if book is None:
        settings = state.settings
        book = CodeBook(derive_key(state.webhook_secret),
                        ttl_seconds=settings.identity_code_ttl_seconds,
                        max_attempts=settings.identity_code_max_attempts)
        state.identity_codes = book
    return book


def user_out(session, user: User) -> UserOut:
    return UserOut(id=user.id, email=public_email(user.email), role=user.role,
                   phone=identity.phone_of(session, user.id))


def issue_session(session, request: Request, user: User, *, method: str,
                  second_factor: str | None = None) -> AuthOut:
    """A bearer token and its user_signed_in event, in the caller's transaction."""
    token = service.issue_token(session=session, user_id=user.id, now=clock.real_now(),
                                ttl_seconds=request.app.state.settings.token_ttl_seconds)
    emit(session=session, event=ie.UserSignedIn(
        occurred_at=clock.now(), user_id=user.id,
        payload=ie.UserSignedInPayload(method=method, second_factor=second_factor)))
    return AuthOut(user=user_out(session, user), token=token)


def finish(request: Request, user_id: str, *, first_step: str,
           identifier: str) -> AuthOut | SecondFactorOut:
    """Run in a worker thread once the first step (password or code) has passed."""
    risk_gates.check_sign_in(request, user_id=user_id, first_step=first_step)
    book = codebook(request)
    with transaction(request.app.state.sessions) as db:
        user = db.get(User, user_id)
        if identity.two_factor_on(db, user_id):
            ticket = book.issue_ticket(db, user_id=user_id, first_step=first_step,
                                       now=clock.real_now())
            out: AuthOut | SecondFactorOut = SecondFactorOut(
                ticket=ticket, expires_in_seconds=book.ticket_ttl_seconds)
        else:
            out = issue_session(db, request, user, method=method_of(first_step))
    throttle.remember_address(request.app.state.redis, identifier,
                              throttle.client_address(request))
    return out
