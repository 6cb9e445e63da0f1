"""Roles inside one merchant: owner (everything, and the staff), catalog, orders, finance.

A role rides on access/'s merchant_staff grant (which binds the user to the merchant and is
read on every request); this module keeps which role the grant holds. A grant without a
role row (an operator granted it) keeps catalog and orders, as before roles existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from transactional_api.access import service as access
from transactional_api.accounts import service as accounts
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.core.permissions import (
    MERCHANT_PERMISSIONS,
    MERCHANT_ROLES,
    MERCHANT_STAFF,
    Permission,
)
from transactional_api.events.merchant_events import (
    MerchantStaffChanged,
    MerchantStaffChangedPayload,
)
from transactional_api.events.outbox import emit
from transactional_api.merchants.models import MerchantStaffRole

OWNER = "owner"


@dataclass(frozen=True)
class StaffView:
    user_id: str
    email: str
    role: str | None  # None: an operator's grant without a role (catalog and orders)
    permissions: list[str]
    granted_at: datetime | None


def staff_permissions(*, session: Session, user_id: str, merchant_id: str) -> frozenset[Permission]:
    """What this merchant's staff member may do inside it (read on every request)."""
    row = session.get(MerchantStaffRole, user_id)
    if row is None or row.merchant_id != merchant_id:
        return MERCHANT_PERMISSIONS
    return MERCHANT_ROLES[row.role]


def _emit(session: Session, *, merchant_id: str, user_id: str, change: str, role: str | None,
          actor_id: str | None) -> None:
    emit(session=session, event=MerchantStaffChanged(
        occurred_at=clock.now(), user_id=actor_id, payload=MerchantStaffChangedPayload(
            merchant_id=merchant_id, staff_user_id=user_id, change=change, role=role,
            actor_id=actor_id)))


def _owners(session: Session, merchant_id: str) -> int:
    return session.scalar(select(func.count()).select_from(MerchantStaffRole).where(
        MerchantStaffRole.merchant_id == merchant_id, MerchantStaffRole.role == OWNER)) or 0


def set_staff(*, session: Session, merchant_id: str, user_id: str, role: str,
              actor_id: str | None) -> tuple[MerchantStaffRole, bool]:
    """Make ``user_id`` staff of the merchant with ``role`` (or change their role);
    (row, created). Staff of another merchant: 409 merchant_staff_bound (access/'s)."""
    if accounts.get_user(session=session, user_id=user_id) is None:
        raise NotFound("user not found", code="user_not_found")
    row = session.get(MerchantStaffRole, user_id, with_for_update=True)
    if row is not None and row.merchant_id == merchant_id:
        if row.role == role:
            return row, False
        if row.role == OWNER and _owners(session, merchant_id) <= 1:
            raise Conflict("a merchant keeps at least one owner", code="last_owner")
        row.role, row.granted_by, row.granted_at = role, actor_id, clock.now()
        _emit(session, merchant_id=merchant_id, user_id=user_id, change="role_changed",
              role=role, actor_id=actor_id)
        return row, False
    # binds the user to this merchant (409 when bound to another); a held grant is kept
    access.grant_role(session=session, user_id=user_id, role=MERCHANT_STAFF,
                      merchant_id=merchant_id, actor_id=actor_id or user_id)
    if row is not None:  # left over from a merchant the user no longer works for
        session.delete(row)
        session.flush()
    row = MerchantStaffRole(user_id=user_id, merchant_id=merchant_id, role=role,
                            granted_by=actor_id, granted_at=clock.now())
    session.add(row)
    session.flush()
    _emit(session, merchant_id=merchant_id, user_id=user_id, change="added", role=role,
          actor_id=actor_id)
    return row, True


def set_staff_by_email(*, session: Session, merchant_id: str, email: str, role: str,
                       actor_id: str) -> tuple[MerchantStaffRole, bool]:
    user = accounts.credentials(session=session, email=email)
    if user is None:
        raise NotFound("no account with this email", code="user_not_found")
    return set_staff(session=session, merchant_id=merchant_id, user_id=user.id, role=role,
                     actor_id=actor_id)


def list_staff(*, session: Session, merchant_id: str) -> list[StaffView]:
    rows = {r.user_id: r for r in session.scalars(select(MerchantStaffRole).where(
        MerchantStaffRole.merchant_id == merchant_id))}
    out = []
    for grant in access.staff_of(session=session, merchant_id=merchant_id):
        user = accounts.get_user(session=session, user_id=grant.user_id)
        row = rows.get(grant.user_id)
        perms = MERCHANT_ROLES[row.role] if row else MERCHANT_PERMISSIONS
        out.append(StaffView(user_id=grant.user_id, email=user.email if user else "",
                             role=row.role if row else None,
                             permissions=sorted(p.value for p in perms),
                             granted_at=row.granted_at if row else grant.granted_at))
    return out


def remove_staff(*, session: Session, merchant_id: str, user_id: str, actor_id: str | None,
                 closing: bool = False) -> None:
    """End a staff member's access (404 when not this merchant's staff; the last owner
    stays unless the merchant is closing)."""
    staff = {g.user_id for g in access.staff_of(session=session, merchant_id=merchant_id)}
    if user_id not in staff:
        raise NotFound("staff member not found", code="staff_not_found")
    row = session.get(MerchantStaffRole, user_id, with_for_update=True)
    if (not closing and row is not None and row.merchant_id == merchant_id
            and row.role == OWNER and _owners(session, merchant_id) <= 1):
        raise Conflict("a merchant keeps at least one owner", code="last_owner")
    access.revoke_role(session=session, user_id=user_id, role=MERCHANT_STAFF,
                       actor_id=actor_id or user_id)
    session.execute(delete(MerchantStaffRole).where(MerchantStaffRole.user_id == user_id,
                                                    MerchantStaffRole.merchant_id == merchant_id))
    _emit(session, merchant_id=merchant_id, user_id=user_id, change="removed",
          role=row.role if row is not None and row.merchant_id == merchant_id else None,
          actor_id=actor_id)


def remove_all(*, session: Session, merchant_id: str, actor_id: str | None) -> int:
    """Revoke every staff grant of a closing merchant; how many there were."""
    users = [g.user_id for g in access.staff_of(session=session, merchant_id=merchant_id)]
    for user_id in users:
        remove_staff(session=session, merchant_id=merchant_id, user_id=user_id,
                     actor_id=actor_id, closing=True)
    return len(users)
