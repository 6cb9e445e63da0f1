"""Roles: what each role may do, who holds which, granting and revoking (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from transactional_api.access import service
from transactional_api.access.schemas import (
    GrantIn,
    RoleCatalogOut,
    RoleDefinitionOut,
    RoleOut,
    UserRolesOut,
)
from transactional_api.core.deps import AdminCaller, Db, ReadDb
from transactional_api.core.permissions import (
    GRANTABLE_ROLES,
    MERCHANT_STAFF,
    Permission,
    operator_permissions,
)
from transactional_api.events.access_events import Role

router = APIRouter(tags=["roles"])
UserPath = Annotated[str, Path(min_length=1, max_length=36)]


def _roles(db, user_id: str) -> UserRolesOut:
    views = service.roles_of(session=db, user_id=user_id)
    return UserRolesOut(
        user_id=user_id,
        roles=[RoleOut(role=v.role, merchant_id=v.merchant_id,
                       permissions=[p.value for p in v.permissions], source=v.source,
                       granted_by=v.granted_by, granted_at=v.granted_at) for v in views],
        permissions=sorted(operator_permissions(v.role for v in views)),
        merchant_id=next((v.merchant_id for v in views if v.role == MERCHANT_STAFF), None))


@router.get("/v1/admin/roles", response_model=RoleCatalogOut)
def role_catalog(_: AdminCaller) -> RoleCatalogOut:
    """Every named permission and the roles that hold them."""
    return RoleCatalogOut(
        permissions=[p.value for p in Permission],
        roles=[RoleDefinitionOut(
            role=r, permissions=[p.value for p in service.role_permissions(r)],
            scope="merchant" if r == MERCHANT_STAFF else "shop-wide") for r in GRANTABLE_ROLES])


@router.get("/v1/admin/users/{user_id}/roles", response_model=UserRolesOut)
def user_roles(user_id: UserPath, db: ReadDb, _: AdminCaller) -> UserRolesOut:
    with db.begin():
        return _roles(db, user_id)


@router.put("/v1/admin/users/{user_id}/roles/{role}", status_code=201,
            response_model=UserRolesOut)
def grant(user_id: UserPath, role: Role, db: Db, caller: AdminCaller, response: Response,
          body: GrantIn | None = None) -> UserRolesOut:
    """Grant a role (merchant_staff needs ``merchant_id``). 201 when granted now, 200 when
    the user held it already; staff of another merchant is 409 merchant_staff_bound."""
    with db.begin():
        _, created = service.grant_role(session=db, user_id=user_id, role=role,
                                        merchant_id=body.merchant_id if body else None,
                                        actor_id=caller.id)
        if not created:
            response.status_code = 200
        return _roles(db, user_id)


@router.delete("/v1/admin/users/{user_id}/roles/{role}", status_code=204)
def revoke(user_id: UserPath, role: Role, db: Db, caller: AdminCaller) -> Response:
    """Takes effect at the user's next request (roles are read on every request)."""
    with db.begin():
        service.revoke_role(session=db, user_id=user_id, role=role, actor_id=caller.id)
    return Response(status_code=204)
