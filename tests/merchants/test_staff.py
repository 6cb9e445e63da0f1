"""Staff roles inside a merchant: each route opens to the roles it names; the owner manages
staff; one merchant's staff never see or touch another's (404 like a missing id)."""

from __future__ import annotations

import pytest

from tests.api.catalog_helpers import pay, product, sku
from tests.conftest import register
from tests.merchants.helpers import applicant, category, events, onboard


@pytest.fixture
def two(api, admin):
    owner_a, a, _ = onboard(api, admin, "Alpha Shop")
    owner_b, b, _ = onboard(api, admin, "Beta Shop")
    yield {"a": (owner_a, a), "b": (owner_b, b)}
    owner_a.close()
    owner_b.close()


def _staff(api, owner, role: str):
    client, uid = applicant(api, role)
    email = client.get("/v1/me").json()["email"]
    r = owner.post("/v1/merchant/staff", json={"email": email, "role": role})
    assert r.status_code == 201, r.text
    return client, uid


def test_each_role_opens_only_its_routes(api, admin, two):
    owner, _ = two["a"]
    routes = {"catalog": ("GET", "/v1/merchant/products"),
              "orders": ("GET", "/v1/merchant/sub-orders"),
              "finance": ("GET", "/v1/merchant/account"),
              "staff": ("GET", "/v1/merchant/staff")}
    allowed = {"owner": set(routes), "catalog": {"catalog"}, "orders": {"orders"},
               "finance": {"finance"}}
    clients = {"owner": owner} | {role: _staff(api, owner, role)[0]
                                  for role in ("catalog", "orders", "finance")}
    for role, client in clients.items():
        for name, (method, path) in routes.items():
            r = client.request(method, path)
            if name in allowed[role]:
                assert r.status_code == 200, (role, name, r.text)
            else:
                assert r.status_code == 403, (role, name, r.text)
                assert r.json()["error"]["code"] == "permission_denied"
    listed = {s["role"] for s in owner.get("/v1/merchant/staff").json()}
    assert listed == {"owner", "catalog", "orders", "finance"}


def test_owner_changes_and_removes_staff_but_keeps_an_owner(api, admin, two):
    owner, merchant_id = two["a"]
    clerk, clerk_id = _staff(api, owner, "catalog")
    email = clerk.get("/v1/me").json()["email"]
    r = owner.post("/v1/merchant/staff", json={"email": email, "role": "orders"})
    assert r.status_code == 200
    assert clerk.get("/v1/merchant/sub-orders").status_code == 200
    assert clerk.get("/v1/merchant/products").status_code == 403
    owner_id = owner.get("/v1/me").json()["id"]
    r = owner.delete(f"/v1/merchant/staff/{owner_id}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "last_owner"
    r = owner.post("/v1/merchant/staff", json={"email": owner.get("/v1/me").json()["email"],
                                               "role": "catalog"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "last_owner"
    assert owner.delete(f"/v1/merchant/staff/{clerk_id}").status_code == 204
    assert clerk.get("/v1/merchant/sub-orders").status_code == 403
    changes = [(e["payload"]["staff_user_id"], e["payload"]["change"], e["payload"]["role"])
               for e in events(api, "merchant_staff_changed")
               if e["payload"]["merchant_id"] == merchant_id]
    assert changes == [(owner_id, "added", "owner"), (clerk_id, "added", "catalog"),
                       (clerk_id, "role_changed", "orders"), (clerk_id, "removed", "orders")]
    r = owner.post("/v1/merchant/staff", json={"email": "nobody@example.com", "role": "orders"})
    assert r.status_code == 404


def test_staff_of_one_merchant_cannot_reach_another(api, admin, two):
    (owner_a, a), (owner_b, b) = two["a"], two["b"]
    clerk_b, clerk_b_id = _staff(api, owner_b, "orders")
    # B's staff cannot be taken over by A
    r = owner_a.post("/v1/merchant/staff", json={
        "email": clerk_b.get("/v1/me").json()["email"], "role": "catalog"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "merchant_staff_bound"
    r = owner_a.delete(f"/v1/merchant/staff/{clerk_b_id}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "staff_not_found"
    assert clerk_b.get("/v1/merchant/sub-orders").status_code == 200  # untouched
    # A's owner reads B's sub-order as if it did not exist
    p = product(admin, category(admin), [sku("B-1", stock=3, price_cents=900)],
                merchant_id=b, name="Beta thing")
    buyer = api.client(register(api, "buyer@example.com"))
    r = buyer.post("/v1/orders", json={"shipping_region": "N", "items": [
        {"sku_id": p["skus"][0]["id"], "quantity": 1}]})
    (sub,) = pay(buyer, r.json()["id"])["sub_orders"]
    missing = owner_a.get("/v1/merchant/sub-orders/no-such-id")
    foreign = owner_a.get(f"/v1/merchant/sub-orders/{sub['id']}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["error"]["code"] == missing.json()["error"]["code"]
    assert clerk_b.get(f"/v1/merchant/sub-orders/{sub['id']}").status_code == 200
    assert owner_a.get("/v1/merchant/sub-orders").json()["total"] == 0
    assert {s["user_id"] for s in owner_a.get("/v1/merchant/staff").json()} \
        .isdisjoint({clerk_b_id})
    assert owner_a.get("/v1/merchant/account").json()["merchant_id"] == a


def test_an_operators_grant_keeps_catalog_and_orders(api, admin, two):
    from tests.rbac.helpers import user_with_role

    _, b = two["b"]
    token, _ = user_with_role(api, admin, "merchant_staff", b)
    with api.client(token) as c:
        assert c.get("/v1/merchant/products").status_code == 200
        assert c.get("/v1/merchant/sub-orders").status_code == 200
        assert c.get("/v1/merchant/account").status_code == 403
        assert c.get("/v1/merchant/staff").status_code == 403
