"""Granting and revoking roles: who may, what each role opens, audit events, and the
bootstrap operator (users.role = admin) keeping every permission."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.conftest import ADMIN_EMAIL, register
from tests.rbac.helpers import grant, user_id, user_with_role
from transactional_api.core.permissions import GRANTABLE_ROLES, Permission
from transactional_api.events.access_events import Role
from transactional_api.events.contract import ALL_EVENTS
from transactional_api.events.models import OutboxEvent


def _events(api) -> list[dict]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(
            OutboxEvent.event_type.in_(["role_granted", "role_revoked"]))
            .order_by(OutboxEvent.id))
        return [json.loads(r) for r in rows]


def test_the_contract_knows_every_grantable_role():
    assert set(Role.__args__) == set(GRANTABLE_ROLES)
    assert {"role_granted", "role_revoked"} <= set(ALL_EVENTS)


def test_the_bootstrap_operator_holds_every_permission(api, admin):
    me = admin.get("/v1/me").json()
    roles = admin.get(f"/v1/admin/users/{me['id']}/roles").json()
    assert roles["permissions"] == sorted(p.value for p in Permission)
    assert roles["roles"] == [{"role": "admin", "merchant_id": None, "source": "account",
                               "permissions": sorted(p.value for p in Permission),
                               "granted_by": None, "granted_at": None}]
    # users.role is the account's own, not a grant: it cannot be revoked from here
    r = admin.delete(f"/v1/admin/users/{me['id']}/roles/admin")
    assert r.status_code == 409 and r.json()["error"]["code"] == "role_from_account"
    assert admin.get("/v1/admin/alerts").status_code == 200  # still an operator
    assert me["email"] == ADMIN_EMAIL


def test_grant_opens_and_revoke_closes_at_the_next_request(api, admin):
    token, uid = user_with_role(api, admin, None)
    with api.client(token) as c:
        r = c.get("/v1/admin/payments/reconciliation")
        assert r.status_code == 403
        assert r.json()["error"] == {
            "code": "permission_denied", "message": "this needs the 'finance' permission",
            "details": {"permission": "finance", "scope": "operator"}}
        r = grant(admin, uid, "finance")
        assert r.status_code == 201, r.text
        assert r.json()["permissions"] == ["finance"] and r.json()["merchant_id"] is None
        assert c.get("/v1/admin/payments/reconciliation").status_code == 200
        assert c.get("/v1/admin/campaign-costs").status_code == 403  # finance only
        # granting again changes nothing and says so
        assert grant(admin, uid, "finance").status_code == 200
        assert admin.delete(f"/v1/admin/users/{uid}/roles/finance").status_code == 204
        assert c.get("/v1/admin/payments/reconciliation").status_code == 403
        r = admin.delete(f"/v1/admin/users/{uid}/roles/finance")
        assert r.status_code == 404 and r.json()["error"]["code"] == "role_not_granted"
    me = admin.get("/v1/me").json()["id"]
    events = _events(api)
    assert [(e["event_type"], e["user_id"], e["payload"]) for e in events] == [
        ("role_granted", uid, {"role": "finance", "merchant_id": None, "actor_id": me}),
        ("role_revoked", uid, {"role": "finance", "merchant_id": None, "actor_id": me})]


def test_roles_combine_and_only_admins_manage_them(api, admin):
    token, uid = user_with_role(api, admin, "catalog_manager")
    assert grant(admin, uid, "analyst").status_code == 201
    roles = admin.get(f"/v1/admin/users/{uid}/roles").json()
    assert roles["permissions"] == ["catalog", "data"]
    assert [r["role"] for r in roles["roles"]] == ["analyst", "catalog_manager"]
    other = user_id(api, register(api, "other@example.com"))
    with api.client(token) as c:  # operators without 'admin' cannot hand out roles
        assert c.get("/v1/admin/alerts").status_code == 200
        assert c.get("/v1/admin/roles").status_code == 403
        r = c.put(f"/v1/admin/users/{other}/roles/admin")
        assert r.status_code == 403 and r.json()["error"]["details"]["permission"] == "admin"
        assert c.put(f"/v1/admin/users/{uid}/roles/admin").status_code == 403
    catalog = admin.get("/v1/admin/roles").json()
    assert catalog["permissions"] == [p.value for p in Permission]
    by_role = {r["role"]: r for r in catalog["roles"]}
    assert by_role["merchant_staff"] == {"role": "merchant_staff", "scope": "merchant",
                                         "permissions": ["catalog", "orders"]}
    assert by_role["admin"]["permissions"] == sorted(p.value for p in Permission)


def test_order_managers_see_any_order_and_shoppers_only_theirs(api, admin):
    from tests.api.payment_helpers import ordered

    c, order = ordered(api, "someone@example.com")
    manager, _ = user_with_role(api, admin, "order_manager")
    analyst, _ = user_with_role(api, admin, "analyst")
    stranger, _ = user_with_role(api, admin, None)
    with api.client(manager) as m, api.client(analyst) as a, api.client(stranger) as s:
        assert m.get(f"/v1/orders/{order['id']}").status_code == 200
        assert a.get(f"/v1/orders/{order['id']}").status_code == 404
        assert s.get(f"/v1/orders/{order['id']}").status_code == 404
    c.close()


def test_bad_grants_are_refused_and_change_nothing(api, admin):
    _, uid = user_with_role(api, admin, None)
    merchants = []
    for slug in ("m-one", "m-two"):
        merchants.append(admin.post("/v1/admin/merchants",
                                    json={"name": slug, "slug": slug}).json()["id"])
    cases = [
        (grant(admin, "no-such-user", "analyst"), 404, "user_not_found"),
        (grant(admin, uid, "merchant_staff"), 422, "merchant_scope_mismatch"),
        (grant(admin, uid, "analyst", merchants[0]), 422, "merchant_scope_mismatch"),
        (grant(admin, uid, "merchant_staff", "no-such-merchant"), 422, "unknown_merchant"),
        (grant(admin, uid, "shopper"), 422, "validation_error"),
        (grant(admin, uid, "root"), 422, "validation_error"),
        (admin.put(f"/v1/admin/users/{uid}/roles/analyst", json={"merchant_id": 5}), 422,
         "validation_error"),
    ]
    for r, status, code in cases:
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
    assert admin.get(f"/v1/admin/users/{uid}/roles").json()["roles"] == []
    assert _events(api) == []
    # staff of one merchant cannot silently become staff of another
    assert grant(admin, uid, "merchant_staff", merchants[0]).status_code == 201
    r = grant(admin, uid, "merchant_staff", merchants[1])
    assert r.status_code == 409 and r.json()["error"]["code"] == "merchant_staff_bound"
    assert admin.get(f"/v1/admin/users/{uid}/roles").json()["merchant_id"] == merchants[0]
    assert len(_events(api)) == 1
