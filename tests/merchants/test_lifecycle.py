"""Deposit, suspension, reinstatement and closing: only an active merchant's products
sell; illegal moves are 409 and change nothing; closing waits for open sub-orders."""

from __future__ import annotations

import threading

from tests.api.catalog_helpers import pay, product, sku
from tests.conftest import register
from tests.merchants.helpers import category, events, onboard
from transactional_api.settlement import accounts


def _goods(admin, merchant_id: str, code: str) -> str:
    p = product(admin, category(admin), [sku(code, stock=5, price_cents=2500)],
                merchant_id=merchant_id, name=f"Goods {code}")
    return p["skus"][0]["id"]


def _order(buyer, sku_id: str):
    return buyer.post("/v1/orders", json={"shipping_region": "N",
                                          "items": [{"sku_id": sku_id, "quantity": 1}]})


def _deposit_held(api, merchant_id: str) -> int:
    with api.sessions() as s:
        return accounts.deposit_balance(session=s, merchant_id=merchant_id)


def test_the_deposit_activates_the_merchant_once(api, admin):
    owner, merchant_id, _ = onboard(api, admin, pay=False)
    sku_id = _goods(admin, merchant_id, "DEP-1")
    buyer = api.client(register(api, "buyer@example.com"))
    r = _order(buyer, sku_id)  # pending its deposit: not for sale
    assert r.status_code == 422 and r.json()["error"]["code"] == "product_not_listed"
    results = []

    def pay_deposit():
        with api.client(owner.headers["Authorization"].split()[1]) as c:
            results.append(c.post("/v1/merchant/deposit", json={"client_key": "k-1"}))

    threads = [threading.Thread(target=pay_deposit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201], \
        [r.text for r in results]
    assert len({r.json()["id"] for r in results}) == 1
    assert all(r.json()["merchant_status"] == "active" for r in results)
    deposit = api.settings.merchants_deposit_cents
    assert _deposit_held(api, merchant_id) == deposit  # counted once
    r = owner.post("/v1/merchant/deposit", json={"client_key": "k-2"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "deposit_already_paid"
    assert _deposit_held(api, merchant_id) == deposit
    (paid,) = events(api, "merchant_deposit_paid")
    assert paid["payload"]["amount_cents"] == deposit
    moves = [(e["payload"]["from_status"], e["payload"]["to_status"])
             for e in events(api, "merchant_status_changed")]
    assert moves == [(None, "pending_deposit"), ("pending_deposit", "active")]
    assert _order(buyer, sku_id).status_code == 201


def test_suspension_stops_sales_but_open_sub_orders_go_on(api, admin):
    owner, merchant_id, _ = onboard(api, admin)
    sku_id = _goods(admin, merchant_id, "SUS-1")
    buyer = api.client(register(api, "buyer@example.com"))
    r = _order(buyer, sku_id)
    assert r.status_code == 201, r.text
    order = pay(buyer, r.json()["id"])
    (sub,) = order["sub_orders"]
    r = admin.post(f"/v1/admin/merchants/{merchant_id}/reinstate", json={"reason": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    r = admin.post(f"/v1/admin/merchants/{merchant_id}/suspend", json={"reason": "fake goods"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    r = _order(buyer, sku_id)
    assert r.status_code == 422 and r.json()["error"]["code"] == "product_not_listed"
    # the paid sub-order is still worked on by the merchant
    r = owner.post(f"/v1/merchant/sub-orders/{sub['id']}/transitions", json={"to": "picking"})
    assert r.status_code == 200, r.text
    r = admin.post(f"/v1/admin/merchants/{merchant_id}/suspend", json={"reason": "again"})
    assert r.status_code == 409
    r = admin.post(f"/v1/admin/merchants/{merchant_id}/reinstate", json={"reason": "cleared"})
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert _order(buyer, sku_id).status_code == 201
    history = [(h["from_status"], h["to_status"], h["reason"]) for h in r.json()["history"]]
    assert history[-2:] == [("active", "suspended", "fake goods"),
                            ("suspended", "active", "cleared")]
    r = admin.post(f"/v1/admin/merchants/{merchant_id}/suspend", json={})
    assert r.status_code == 422  # a reason is required


def test_closing_waits_for_open_sub_orders_then_ends_the_account(api, admin):
    owner, merchant_id, _ = onboard(api, admin)
    sku_id = _goods(admin, merchant_id, "CLO-1")
    buyer = api.client(register(api, "buyer@example.com"))
    order = pay(buyer, _order(buyer, sku_id).json()["id"])
    r = admin.post(f"/v1/admin/merchants/{merchant_id}/close", json={"reason": "leaving"})
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "merchant_has_open_sub_orders"
    assert r.json()["error"]["details"]["open_sub_orders"] == 1
    state = admin.get(f"/v1/admin/merchants/{merchant_id}/lifecycle").json()
    assert state["status"] == "active"  # refused: nothing changed
    assert owner.get("/v1/merchant/staff").status_code == 200
    assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 200
    assert admin.post(f"/v1/admin/orders/{order['id']}/complete").status_code == 200
    r = admin.post(f"/v1/admin/merchants/{merchant_id}/close", json={"reason": "leaving"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["close_out"] is not None
    assert owner.get("/v1/merchant/staff").status_code == 403  # the grant is gone
    assert _order(buyer, sku_id).status_code == 422
    r = admin.post(f"/v1/admin/merchants/{merchant_id}/reinstate", json={"reason": "back"})
    assert r.status_code == 409
    removed = [e["payload"] for e in events(api, "merchant_staff_changed")
               if e["payload"]["change"] == "removed"]
    assert [(p["merchant_id"], p["role"]) for p in removed] == [(merchant_id, "owner")]
    assert events(api, "merchant_status_changed")[-1]["payload"]["to_status"] == "closed"


def test_unknown_merchants_are_404(api, admin):
    r = admin.post("/v1/admin/merchants/nope/suspend", json={"reason": "x"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "merchant_not_found"
