"""Sign-in through an OpenID provider: which account an identity belongs to, and the links
an account holds.

An identity (provider, subject) finds its account in this order:
1. the account already linked to it;
2. when the provider says the email is verified (and the operator allows linking by email
   for that provider), the account holding that email, which is then linked;
3. otherwise a new shopper account, with the email if verified, else a placeholder.
An email the provider has not verified never reaches an existing account: when one holds
it, the sign-in is refused and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts import identity
from transactional_api.accounts.contacts import placeholder_email, public_email
from transactional_api.accounts.models import User
from transactional_api.accounts.oidc_client import Identity
from transactional_api.accounts.oidc_config import OidcProvider
from transactional_api.accounts.oidc_models import OidcLink
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events import identity_events as ie
from transactional_api.events.outbox import emit


@dataclass(frozen=True)
class Resolved:
    user: User
    created: bool
    linked: Literal["sign_up", "verified_email"] | None  # None: an existing link


def method(provider: str) -> str:
    """The sign-in method events name: oidc:<provider>."""
    return f"oidc:{provider}"


def _link(session: Session, *, user_id: str, provider: str, found: Identity, now: datetime,
          via: Literal["sign_up", "verified_email"]) -> None:
    session.add(OidcLink(id=new_id(), user_id=user_id, provider=provider,
                         subject=found.subject, email=found.email, linked_at=now,
                         last_signed_in_at=now))
    try:
        session.flush()
    except IntegrityError as exc:  # the same identity signed in a moment ago elsewhere
        raise Conflict("this sign-in is already being processed; try again",
                       code="oidc_link_conflict") from exc
    emit(session=session, event=ie.IdentityLinked(
        occurred_at=clock.now(), user_id=user_id,
        payload=ie.IdentityLinkedPayload(provider=provider, via=via)))


def _create(session: Session, *, provider: str, found: Identity, now: datetime) -> User:
    user_id = new_id()
    email = found.email if found.email_verified else placeholder_email(user_id, "oidc")
    user = User(id=user_id, email=email, password_hash=identity.NO_PASSWORD, role="shopper")
    try:
        session.add(user)
        session.flush()
    except IntegrityError as exc:  # the email signed up by another way a moment ago
        raise Conflict("already registered; sign in again", code="already_registered") from exc
    emit(session=session, event=ie.UserRegistered(
        occurred_at=clock.now(), user_id=user_id, payload=ie.UserRegisteredPayload(
            method=method(provider), has_email=found.email_verified, has_phone=False)))
    _link(session, user_id=user_id, provider=provider, found=found, now=now, via="sign_up")
    return user


def resolve(session: Session, *, provider: OidcProvider, found: Identity,
            now: datetime) -> Resolved:
    """The account found signs in (the caller issues its token or second-factor ticket)."""
    link = session.scalar(select(OidcLink).where(
        OidcLink.provider == provider.name, OidcLink.subject == found.subject))
    if link is not None:
        link.last_signed_in_at = now
        link.email = found.email or link.email
        return Resolved(user=session.get(User, link.user_id), created=False, linked=None)
    holder = session.scalar(select(User).where(User.email == found.email)) \
        if found.email else None
    if holder is None:
        user = _create(session, provider=provider.name, found=found, now=now)
        return Resolved(user=user, created=True, linked="sign_up")
    if not found.email_verified:
        raise Conflict("an account already uses this email and the provider has not verified "
                       "it; sign in another way", code="oidc_email_unverified")
    if not provider.link_by_email:
        raise Conflict("an account already uses this email; sign in another way",
                       code="oidc_link_by_email_off")
    if session.scalar(select(OidcLink.id).where(OidcLink.user_id == holder.id,
                                                OidcLink.provider == provider.name)):
        raise Conflict("this account is linked to another identity at this provider",
                       code="oidc_already_linked")
    _link(session, user_id=holder.id, provider=provider.name, found=found, now=now,
          via="verified_email")
    return Resolved(user=holder, created=False, linked="verified_email")


def links(session: Session, *, user_id: str) -> list[OidcLink]:
    return list(session.scalars(select(OidcLink).where(OidcLink.user_id == user_id)
                                .order_by(OidcLink.linked_at, OidcLink.provider)))


def other_ways_in(session: Session, *, user: User, besides: str) -> list[str]:
    """How the account could still sign in without the link to provider `besides`."""
    ways = []
    if user.password_hash.startswith("$argon2"):
        ways.append("password")
    if public_email(user.email):
        ways.append("email_code")
    if identity.phone_of(session, user.id):
        ways.append("phone_code")
    others = session.scalar(select(func.count()).select_from(OidcLink).where(
        OidcLink.user_id == user.id, OidcLink.provider != besides))
    if others:
        ways.append("oidc")
    return ways


def unlink(session: Session, *, user_id: str, provider: str) -> None:
    """Remove the account's link to provider, unless it is the last way to sign in."""
    # The user row locked first: two unlinks at once cannot each count the other's link.
    user = session.get(User, user_id, with_for_update=True)
    link = session.scalar(select(OidcLink).where(OidcLink.user_id == user_id,
                                                 OidcLink.provider == provider))
    if link is None:
        raise NotFound("no link to this provider", code="oidc_link_not_found")
    if not other_ways_in(session, user=user, besides=provider):
        raise Conflict("this is the account's last way to sign in; set a password or add "
                       "a phone first", code="last_sign_in_method")
    session.delete(link)
    emit(session=session, event=ie.IdentityUnlinked(
        occurred_at=clock.now(), user_id=user_id,
        payload=ie.IdentityUnlinkedPayload(provider=provider)))
