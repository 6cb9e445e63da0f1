"""Accounts found and created by an email or phone, and the sessions (tokens) they hold."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts.contacts import placeholder_email
from transactional_api.accounts.identity_models import RecoveryCode, UserPhone, UserTotp
from transactional_api.accounts.models import AuthToken, User
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict

NO_PASSWORD = "!none"  # not an argon2 hash: password sign-in fails until one is set


def find_user(session: Session, channel: str, destination: str) -> User | None:
    if channel == "email":
        return session.scalar(select(User).where(User.email == destination))
    return session.scalar(select(User).join(UserPhone, UserPhone.user_id == User.id)
                          .where(UserPhone.phone == destination))


def phone_of(session: Session, user_id: str) -> str | None:
    return session.scalar(select(UserPhone.phone).where(UserPhone.user_id == user_id))


def create_by_code(session: Session, channel: str, destination: str) -> User:
    """An account whose owner just proved they read destination; no password yet."""
    user_id = new_id()
    email = destination if channel == "email" else placeholder_email(user_id, "phone")
    user = User(id=user_id, email=email, password_hash=NO_PASSWORD, role="shopper")
    try:
        session.add(user)
        session.flush()  # the user row first: no relationship orders the two inserts
        if channel == "phone":
            session.add(UserPhone(user_id=user_id, phone=destination))
            session.flush()
    except IntegrityError as exc:  # the same address signed up a moment ago
        raise Conflict("already registered; sign in again", code="already_registered") from exc
    return user


def two_factor_on(session: Session, user_id: str) -> bool:
    return session.scalar(select(UserTotp.enabled_at).where(UserTotp.user_id == user_id)) \
        is not None


def revoke_token(session: Session, token_hash: str) -> int:
    return session.execute(delete(AuthToken).where(AuthToken.token_hash == token_hash)).rowcount


def revoke_all(session: Session, user_id: str, *, keep: str | None = None) -> int:
    """Every session of the account (but keep, the caller's own, when given)."""
    query = delete(AuthToken).where(AuthToken.user_id == user_id)
    if keep is not None:
        query = query.where(AuthToken.token_hash != keep)
    return session.execute(query).rowcount


def remove_phone(session: Session, user_id: str) -> None:
    session.execute(delete(UserPhone).where(UserPhone.user_id == user_id))


def remove_two_factor(session: Session, user_id: str) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.execute(delete(UserTotp).where(UserTotp.user_id == user_id))
