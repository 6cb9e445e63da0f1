"""Steps the roles-and-permissions tests share: users holding a role, and the route table."""

from __future__ import annotations

import uuid

import httpx
from fastapi.routing import APIRoute, iter_route_contexts

from tests.conftest import register
from transactional_api.core.deps import RouteGuard, route_guards
from transactional_api.core.permissions import Permission

# One operator role per permission, each holding that permission and no other.
SINGLE_ROLE = {Permission.CATALOG: "catalog_manager", Permission.ORDERS: "order_manager",
               Permission.MARKETING: "marketer", Permission.FINANCE: "finance",
               Permission.DATA: "analyst"}
OPERATOR_PREFIXES = ("/v1/admin/", "/v1/merchant/")


def user_id(api, token: str) -> str:
    with api.client(token) as c:
        return c.get("/v1/me").json()["id"]


def grant(admin: httpx.Client, uid: str, role: str, merchant_id: str | None = None):
    body = {"merchant_id": merchant_id} if merchant_id else None
    return admin.put(f"/v1/admin/users/{uid}/roles/{role}", json=body)


def user_with_role(api, admin: httpx.Client, role: str | None,
                   merchant_id: str | None = None) -> tuple[str, str]:
    """(token, user id) of a fresh account holding ``role`` (None: a plain shopper)."""
    token = register(api, f"{role or 'shopper'}-{uuid.uuid4().hex[:8]}@example.com")
    uid = user_id(api, token)
    if role:
        r = grant(admin, uid, role, merchant_id)
        assert r.status_code == 201, r.text
    return token, uid


def route_table(app) -> dict[tuple[str, str], list[RouteGuard]]:
    """(METHOD, path) -> the guards its dependencies carry, for every API route."""
    table = {}
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute):
            for method in ctx.methods:
                table[(method, ctx.path)] = route_guards(route.dependant)
    return table


def is_operator_path(path: str) -> bool:
    return path.startswith(OPERATOR_PREFIXES)


def unguarded_operator_routes(app) -> list[str]:
    """Operator or merchant routes that declare no permission: each is a hole."""
    return sorted(f"{m} {p}" for (m, p), guards in route_table(app).items()
                  if is_operator_path(p) and not guards)
