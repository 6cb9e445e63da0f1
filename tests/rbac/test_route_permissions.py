"""Every operator and merchant route declares its permission, and refuses without it.

The routes come from the app's OpenAPI schema; what each requires is read from the
route's own dependency (core/deps.py ``require``), not from a list kept here. Each
guarded route is called without a token (401), as a shopper (403), with every role that
lacks its permission (403 permission_denied naming it) and with the permission (neither
401 nor 403: the random ids and empty bodies may well be 404 or 422).
"""

from __future__ import annotations

import re
import uuid

from fastapi import FastAPI

from tests.merchants.helpers import onboard
from tests.rbac.helpers import (
    SINGLE_ROLE,
    is_operator_path,
    route_table,
    unguarded_operator_routes,
    user_with_role,
)
from transactional_api.core.deps import CatalogCaller, CurrentCaller
from transactional_api.core.permissions import (
    MERCHANT_PERMISSIONS,
    MERCHANT_ROLES,
    MERCHANT_SCOPED_PERMISSIONS,
    Permission,
)

# Path parameters that must parse for the call to reach anything; the rest get random ids.
SAMPLE_PARAMS = {"day": "2026-01-01", "role": "analyst", "channel": "sandbox",
                 "carrier": "sandbox", "currency": "USD", "region": "N"}


def _fill(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PARAMS.get(m.group(1), str(uuid.uuid4())),
                  path)


def _call(api, token: str | None, method: str, path: str):
    with api.client(token) as c:
        body = {} if method in ("POST", "PUT", "PATCH") else None
        return c.request(method, _fill(path), json=body)


def test_every_route_in_the_schema_declares_and_enforces_its_permission(api, admin):
    schema = api.app.openapi()
    operations = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    table = route_table(api.app)
    assert operations <= set(table), sorted(operations - set(table))
    assert unguarded_operator_routes(api.app) == []

    merchant = admin.post("/v1/admin/merchants", json={"name": "M", "slug": "m-rbac"}).json()
    tokens = {role: user_with_role(api, admin, role)[0] for role in SINGLE_ROLE.values()}
    tokens["admin"] = user_with_role(api, admin, "admin")[0]
    tokens["merchant_staff"] = user_with_role(api, admin, "merchant_staff", merchant["id"])[0]
    shopper = user_with_role(api, admin, None)[0]
    # merchant roles (merchants/): an owner from an approved application, who adds the rest
    owner, owned, _ = onboard(api, admin, "RBAC Shop")
    tokens["merchant_owner"] = owner.headers["Authorization"].split()[1]
    for role in ("catalog", "orders", "finance"):
        token, uid = user_with_role(api, admin, None)
        with api.client(token) as c:
            email = c.get("/v1/me").json()["email"]
        assert owner.post("/v1/merchant/staff",
                          json={"email": email, "role": role}).status_code == 201
        tokens[f"merchant_{role}"] = token
    assert owned != merchant["id"]

    guarded = sorted(op for op in operations if table[op])
    # Every admin and merchant route is among them, and a few are sure to be.
    assert {op for op in operations if is_operator_path(op[1])} <= set(guarded)
    assert ("PUT", "/v1/admin/skus/{sku_id}/price") in guarded
    assert ("GET", "/v1/merchant/sub-orders") in guarded
    assert {("GET", "/v1/merchant/reviews"), ("PUT", "/v1/merchant/reviews/{review_id}/reply"),
            ("DELETE", "/v1/merchant/reviews/{review_id}/reply")} <= set(guarded)
    seen_permissions = set()
    for method, path in guarded:
        (guard,) = table[(method, path)]
        seen_permissions.add((guard.permission, guard.scope))
        where = f"{method} {path}"
        r = _call(api, None, method, path)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized", where
        r = _call(api, shopper, method, path)
        assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied", where
        assert r.json()["error"]["details"]["permission"] == guard.permission.value, where
        if guard.scope == "operator":
            right = ["admin", *(r for p, r in SINGLE_ROLE.items() if p == guard.permission)]
            wrong = [r for p, r in SINGLE_ROLE.items() if p != guard.permission]
            if guard.permission is not Permission.ADMIN:
                assert len(right) == 2, where
            wrong.append("merchant_staff")  # merchant staff never hold shop-wide rights
        else:
            assert guard.permission in MERCHANT_SCOPED_PERMISSIONS, where
            holders = {"merchant_staff": MERCHANT_PERMISSIONS} | {
                f"merchant_{r}": p for r, p in MERCHANT_ROLES.items()}
            right = [r for r, p in holders.items() if guard.permission in p]
            wrong = [*SINGLE_ROLE.values(), "admin",
                     *(r for r, p in holders.items() if guard.permission not in p)]
        for role in wrong:
            r = _call(api, tokens[role], method, path)
            assert r.status_code == 403, (where, role, r.text)
            assert r.json()["error"]["code"] == "permission_denied", (where, role)
        for role in right:
            r = _call(api, tokens[role], method, path)
            assert r.status_code not in (401, 403), (where, role, r.text)
    # Each named permission guards something, operator-wide and within a merchant.
    assert {p for p, s in seen_permissions if s == "operator"} == set(Permission)
    assert {p for p, s in seen_permissions if s == "merchant"} == set(MERCHANT_SCOPED_PERMISSIONS)


def test_a_route_added_without_a_permission_is_caught():
    app = FastAPI()

    @app.get("/v1/admin/guarded")
    def guarded(_: CatalogCaller) -> dict:
        return {}

    @app.post("/v1/admin/forgotten")
    def forgotten(_: CurrentCaller) -> dict:  # signed in, but any shopper passes
        return {}

    @app.get("/v1/merchant/also-forgotten")
    def also_forgotten() -> dict:
        return {}

    @app.get("/v1/merchants")  # public: not an operator path, though it starts alike
    def public() -> dict:
        return {}

    assert unguarded_operator_routes(app) == ["GET /v1/merchant/also-forgotten",
                                              "POST /v1/admin/forgotten"]
    (guard,) = route_table(app)[("GET", "/v1/admin/guarded")]
    assert (guard.permission, guard.scope) == (Permission.CATALOG, "operator")


def test_the_live_app_has_no_unguarded_operator_route(api):
    # Tags and other domains landing later are held to the same rule.
    assert unguarded_operator_routes(api.app) == []
