from __future__ import annotations

from tests.conftest import create_product, register


def test_guest_cart_is_merged_when_the_shopper_signs_in(api, admin):
    a = create_product(admin, code="GA", price_cents=500)["skus"][0]["id"]
    b = create_product(admin, code="GB", price_cents=250)["skus"][0]["id"]
    with api.client() as guest:
        assert guest.get("/v1/cart").json() == {"id": None, "items": [], "subtotal_cents": 0,
                                                "currency": "USD"}
        cart = guest.post("/v1/cart/items", json={"sku_id": a, "quantity": 2}).json()
        cart_id = cart["id"]
        header = {"X-Cart-Id": cart_id}
        cart = guest.post("/v1/cart/items", json={"sku_id": b, "quantity": 1},
                          headers=header).json()
        assert cart["id"] == cart_id and cart["subtotal_cents"] == 1250
        # without the id a guest has no cart; a made-up id is not someone else's cart
        assert guest.get("/v1/cart").json()["items"] == []
        assert guest.get("/v1/cart", headers={"X-Cart-Id": "nope"}).status_code == 404
    with api.client(register(api, "guest@example.com")) as c:
        c.post("/v1/cart/items", json={"sku_id": a, "quantity": 1}).raise_for_status()
        merged = c.get("/v1/cart", headers=header).json()
        assert {i["sku_id"]: i["quantity"] for i in merged["items"]} == {a: 3, b: 1}
        again = c.get("/v1/cart", headers=header).json()  # resending the id merges nothing
        assert {i["sku_id"]: i["quantity"] for i in again["items"]} == {a: 3, b: 1}
    with api.client() as guest:  # the guest cart is closed once merged
        assert guest.get("/v1/cart", headers=header).status_code == 404


def test_checkout_merges_the_guest_cart_it_is_given(api, admin):
    sku = create_product(admin, code="GC", stock=5)["skus"][0]["id"]
    with api.client() as guest:
        cart_id = guest.post("/v1/cart/items", json={"sku_id": sku, "quantity": 2}).json()["id"]
        assert guest.post("/v1/orders", json={}).status_code == 401  # checkout needs an account
    with api.client(register(api, "late-signup@example.com")) as c:
        order = c.post("/v1/orders", json={}, headers={"X-Cart-Id": cart_id})
        assert order.status_code == 201 and order.json()["items"][0]["quantity"] == 2
        assert c.get("/v1/cart").json()["items"] == []


def test_guest_cart_edits_need_the_cart(api, admin):
    sku = create_product(admin, code="GD")["skus"][0]["id"]
    with api.client() as guest:
        assert guest.delete(f"/v1/cart/items/{sku}").status_code == 404
        assert guest.put(f"/v1/cart/items/{sku}", json={"quantity": 2}).status_code == 404
        cart_id = guest.post("/v1/cart/items", json={"sku_id": sku, "quantity": 1}).json()["id"]
        header = {"X-Cart-Id": cart_id}
        assert guest.put(f"/v1/cart/items/{sku}", json={"quantity": 4},
                         headers=header).json()["items"][0]["quantity"] == 4
        assert guest.delete(f"/v1/cart/items/{sku}", headers=header).json()["items"] == []
