"""Accounts: registration, login with argon2 hashes, opaque bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts.models import AuthToken, User
from transactional_api.core.errors import Conflict, Unauthorized

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both paths cost one argon2 hash.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def register(*, session: Session, email: str, password: str, role: str = "shopper") -> User:
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("email already registered", code="email_taken")
    user = User(email=email, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("email already registered", code="email_taken") from exc
    return user


def login(*, session: Session, email: str, password: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, InvalidHashError):
        user = None
    if user is None:
        raise Unauthorized("wrong email or password", code="invalid_credentials")
    return user


def issue_token(*, session: Session, user_id: str, now: datetime, ttl_seconds: int) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    )
    session.execute(delete(AuthToken).where(AuthToken.user_id == user_id,
                                            AuthToken.expires_at < now))
    return token


def authenticate(*, session: Session, token_hash: str, now: datetime) -> User | None:
    row = session.execute(
        select(User, AuthToken.expires_at)
        .join(AuthToken, AuthToken.user_id == User.id)
        .where(AuthToken.token_hash == token_hash)
    ).first()
    if row is None or row.expires_at <= now:
        return None
    return row.User


def ensure_admin(*, session: Session, email: str, password: str) -> User:
    """Idempotent bootstrap of the operator account named in settings."""
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        return register(session=session, email=email, password=password, role="admin")
    user.role = "admin"
    return user


def get_user(*, session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)
