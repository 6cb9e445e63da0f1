"""FastAPI dependencies shared by every router: settings, DB session, Redis, caller, and
the permission each operator or merchant route requires (``require``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

import redis
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import Forbidden, Unauthorized
from transactional_api.core.permissions import (
    MERCHANT_STAFF,
    Permission,
    operator_permissions,
)


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_read_db(request: Request) -> Iterator[Session]:
    """For handlers that only read; writing through it is a bug."""
    with request.app.state.read_sessions() as session:
        yield session


def get_redis(request: Request) -> redis.Redis:
    return request.app.state.redis


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
Db = Annotated[Session, Depends(get_db)]
ReadDb = Annotated[Session, Depends(get_read_db)]
RedisDep = Annotated[redis.Redis, Depends(get_redis)]

_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Caller:
    id: str
    email: str
    role: str
    # Shop-wide permissions (operator roles, and users.role 'admin' for the bootstrap account).
    permissions: frozenset[Permission] = frozenset()
    # Set for merchant staff: the one merchant whose goods and sub-orders they work on.
    merchant_id: str | None = None
    # What their role within that merchant allows (core/permissions.py MERCHANT_ROLES).
    merchant_permissions: frozenset[Permission] = frozenset()

    @property
    def is_admin(self) -> bool:
        return Permission.ADMIN in self.permissions

    def can(self, *permissions: Permission) -> bool:
        """Holds any of these permissions shop-wide."""
        return any(p in self.permissions for p in permissions)

    def owner_filter(self, *permissions: Permission) -> str | None:
        """For shopper routes operators also use: None (anyone's) when the caller holds any
        of these permissions, else the caller's own id."""
        return None if self.can(*permissions) else self.id


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def optional_caller(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller | None:
    if creds is None:
        return None
    # Imported here: accounts depends on core, not the other way round at import time.
    from transactional_api.accounts.service import authenticate

    with request.app.state.read_sessions() as session:
        user = authenticate(session=session, token_hash=token_hash(creds.credentials),
                            now=clock.real_now())
        if user is None:
            raise Unauthorized("invalid or expired token")
        # Read on every request, so a revoked role stops working at the caller's next call.
        from transactional_api.access.service import grants_for

        grants = grants_for(session=session, user_id=user.id)
        merchant_id = next((g.merchant_id for g in grants if g.role == MERCHANT_STAFF), None)
        merchant_permissions: frozenset[Permission] = frozenset()
        if merchant_id is not None:
            from transactional_api.merchants.staff import staff_permissions

            merchant_permissions = staff_permissions(session=session, user_id=user.id,
                                                     merchant_id=merchant_id)
    return Caller(id=user.id, email=user.email, role=user.role,
                  permissions=operator_permissions([user.role, *(g.role for g in grants)]),
                  merchant_id=merchant_id, merchant_permissions=merchant_permissions)


def require_caller(caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
    if caller is None:
        raise Unauthorized("authentication required")
    return caller


Scope = Literal["operator", "merchant"]


@dataclass(frozen=True)
class RouteGuard:
    """What a route requires; carried by its dependency so tests and docs can read it."""

    permission: Permission
    scope: Scope


_guards: dict[tuple[Scope, Permission], Callable[..., Caller]] = {}


def require(permission: Permission, *, scope: Scope = "operator") -> Callable[..., Caller]:
    """A dependency admitting callers with ``permission``: shop-wide (operator routes), or
    as merchant staff (merchant routes, scoped to the merchant on their grant).
    401 without a valid token, 403 ``permission_denied`` naming the permission."""
    key = (scope, permission)
    if key in _guards:
        return _guards[key]

    def dependency(caller: Annotated[Caller, Depends(require_caller)]) -> Caller:
        if scope == "operator" and permission not in caller.permissions:
            raise Forbidden(f"this needs the {permission.value!r} permission",
                            code="permission_denied",
                            details={"permission": permission.value, "scope": scope})
        if scope == "merchant" and (caller.merchant_id is None
                                    or permission not in caller.merchant_permissions):
            raise Forbidden(f"this needs merchant staff with the {permission.value!r} permission",
                            code="permission_denied",
                            details={"permission": permission.value, "scope": scope})
        return caller

    dependency.__name__ = f"require_{scope}_{permission.value}"
    dependency.guard = RouteGuard(permission, scope)  # type: ignore[attr-defined]
    _guards[key] = dependency
    return dependency


def route_guards(dependant) -> list[RouteGuard]:
    """Every guard among a route's dependencies (``route.dependant``), however nested."""
    found, stack = [], [dependant]
    while stack:
        d = stack.pop()
        guard = getattr(d.call, "guard", None)
        if isinstance(guard, RouteGuard):
            found.append(guard)
        stack.extend(d.dependencies)
    return found


OptionalCaller = Annotated[Caller | None, Depends(optional_caller)]
CurrentCaller = Annotated[Caller, Depends(require_caller)]
CatalogCaller = Annotated[Caller, Depends(require(Permission.CATALOG))]
OrdersCaller = Annotated[Caller, Depends(require(Permission.ORDERS))]
MarketingCaller = Annotated[Caller, Depends(require(Permission.MARKETING))]
FinanceCaller = Annotated[Caller, Depends(require(Permission.FINANCE))]
DataCaller = Annotated[Caller, Depends(require(Permission.DATA))]
# The 'admin' permission (roles and the like); every shop-wide permission comes with it.
AdminCaller = Annotated[Caller, Depends(require(Permission.ADMIN))]
MerchantCatalogCaller = Annotated[Caller, Depends(require(Permission.CATALOG, scope="merchant"))]
MerchantOrdersCaller = Annotated[Caller, Depends(require(Permission.ORDERS, scope="merchant"))]
# The merchant's money (deposit, statements) and its own staff (owner only).
MerchantFinanceCaller = Annotated[Caller, Depends(require(Permission.FINANCE, scope="merchant"))]
MerchantOwnerCaller = Annotated[Caller, Depends(require(Permission.ADMIN, scope="merchant"))]
