"""Role grants: read on every authenticated request, granted and revoked by admins.

Each grant or revocation that changes something emits role_granted / role_revoked in the
same transaction; repeating one changes nothing and emits nothing, also when two admins
race (the primary key decides, the loser reads the winner's row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.access.models import RoleGrant
from transactional_api.accounts import service as accounts
from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.core.permissions import (
    GRANTABLE_ROLES,
    MERCHANT_PERMISSIONS,
    MERCHANT_STAFF,
    OPERATOR_ROLES,
    Permission,
)
from transactional_api.events.access_events import RoleChangePayload, RoleGranted, RoleRevoked
from transactional_api.events.outbox import emit


@dataclass(frozen=True)
class RoleView:
    role: str
    merchant_id: str | None
    permissions: list[Permission]
    # 'grant': a role_grants row; 'account': users.role (the bootstrap operator), not revocable
    source: str
    granted_by: str | None = None
    granted_at: datetime | None = None


def grants_for(*, session: Session, user_id: str) -> list[RoleGrant]:
    return list(session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id)))


def staff_of(*, session: Session, merchant_id: str) -> list[RoleGrant]:
    """Every merchant_staff grant of this merchant (revoked when the merchant closes)."""
    return list(session.scalars(select(RoleGrant).where(
        RoleGrant.role == MERCHANT_STAFF, RoleGrant.merchant_id == merchant_id)
        .order_by(RoleGrant.user_id)))


def role_permissions(role: str) -> list[Permission]:
    perms = MERCHANT_PERMISSIONS if role == MERCHANT_STAFF else OPERATOR_ROLES.get(role, ())
    return sorted(perms)


def _user(session: Session, user_id: str):
    user = accounts.get_user(session=session, user_id=user_id)
    if user is None:
        raise NotFound("user not found", code="user_not_found")
    return user


def roles_of(*, session: Session, user_id: str) -> list[RoleView]:
    user = _user(session, user_id)
    out = [RoleView(role=user.role, merchant_id=None, permissions=role_permissions(user.role),
                    source="account")] if user.role in OPERATOR_ROLES else []
    out += [RoleView(role=g.role, merchant_id=g.merchant_id,
                     permissions=role_permissions(g.role), source="grant",
                     granted_by=g.granted_by, granted_at=g.granted_at)
            for g in sorted(grants_for(session=session, user_id=user_id), key=lambda g: g.role)]
    return out


def _event(cls, grant: RoleGrant, actor_id: str):
    return cls(occurred_at=clock.now(), user_id=grant.user_id, payload=RoleChangePayload(
        role=grant.role, merchant_id=grant.merchant_id, actor_id=actor_id))


def grant_role(*, session: Session, user_id: str, role: str, merchant_id: str | None,
               actor_id: str) -> tuple[RoleGrant, bool]:
    """Grant ``role`` (merchant staff: of ``merchant_id``); (grant, created). Granting a role
    held already returns it; staff of another merchant must be revoked first (409)."""
    if role not in GRANTABLE_ROLES:
        raise Unprocessable(f"{role!r} is not a role that can be granted", code="unknown_role",
                            details={"roles": list(GRANTABLE_ROLES)})
    if (role == MERCHANT_STAFF) != (merchant_id is not None):
        raise Unprocessable("merchant_id is required for merchant_staff and only for it",
                            code="merchant_scope_mismatch")
    _user(session, user_id)
    if merchant_id is not None and catalog.get_merchant(session=session,
                                                        merchant_id=merchant_id) is None:
        raise Unprocessable("merchant does not exist", code="unknown_merchant")
    grant = RoleGrant(user_id=user_id, role=role, merchant_id=merchant_id,
                      granted_by=actor_id, granted_at=clock.now())
    try:
        with session.begin_nested():
            session.add(grant)
    except IntegrityError:  # held already (or a racing grant just won)
        existing = session.scalar(select(RoleGrant).where(
            RoleGrant.user_id == user_id, RoleGrant.role == role)
            .execution_options(populate_existing=True))
        if existing is None:  # revoked between our insert and this read: a true conflict
            raise Conflict("the role changed meanwhile; retry", code="role_changed") from None
        if existing.merchant_id != merchant_id:
            raise Conflict("this user is staff of another merchant; revoke that first",
                           code="merchant_staff_bound",
                           details={"merchant_id": existing.merchant_id}) from None
        return existing, False
    emit(session=session, event=_event(RoleGranted, grant, actor_id))
    return grant, True


def revoke_role(*, session: Session, user_id: str, role: str, actor_id: str) -> None:
    """Remove a granted role (404 when not held). users.role is the account's own: 409."""
    user = _user(session, user_id)
    grant = session.scalar(select(RoleGrant).where(RoleGrant.user_id == user_id,
                                                   RoleGrant.role == role))
    if grant is None:
        if user.role == role:
            raise Conflict("this role belongs to the account itself (users.role), not a grant",
                           code="role_from_account")
        raise NotFound("the user does not hold this role", code="role_not_granted")
    event = _event(RoleRevoked, grant, actor_id)
    # The conditional DELETE decides between racing revocations: one emits, one 404s.
    gone = session.execute(delete(RoleGrant).where(RoleGrant.user_id == user_id,
                                                   RoleGrant.role == role)).rowcount
    if not gone:
        raise NotFound("the user does not hold this role", code="role_not_granted")
    emit(session=session, event=event)
