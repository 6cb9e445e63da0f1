"""Accounts: registration, login with argon2 hashes, opaque bearer tokens.

Hashing happens outside any database transaction (see passwords.py): on SQLite a write
transaction holds the one write lock, and no one should wait for it behind an argon2 hash.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts.models import AuthToken, User
from transactional_api.accounts.passwords import hash_now
from transactional_api.core.errors import Conflict


def email_taken(*, session: Session, email: str) -> bool:
    return session.scalar(select(User.id).where(User.email == email)) is not None


def create_user(*, session: Session, email: str, password_hash: str,
                role: str = "shopper") -> User:
    if email_taken(session=session, email=email):
        raise Conflict("email already registered", code="email_taken")
    user = User(email=email, password_hash=password_hash, role=role)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("email already registered", code="email_taken") from exc
    return user


def credentials(*, session: Session, email: str) -> User | None:
    """The account to check a password against; None when there is none."""
    return session.scalar(select(User).where(User.email == email))


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
        try:
            with session.begin_nested():
                return create_user(session=session, email=email,
                                   password_hash=hash_now(password), role="admin")
        except Conflict:
            # Several API processes start at once: another one created it a moment ago.
            user = session.scalar(select(User).where(User.email == email))
    user.role = "admin"
    return user


def get_user(*, session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)
