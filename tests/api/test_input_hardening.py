"""Input that used to give a 500 or slip through, and the headers every answer carries."""

from __future__ import annotations

import socket

from sqlalchemy import func, select

from tests.conftest import create_product, register
from transactional_api.events.contract import MAX_CENTS
from transactional_api.orders.models import Order


def _stock(client, product_id: str) -> list[int]:
    return [s["available"] for s in client.get(f"/v1/products/{product_id}").json()["skus"]]


def _orders(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Order))


def test_repeated_lines_past_the_quantity_cap_are_refused(api, admin):
    product = create_product(admin, stock=5000, code="REPEAT")
    sku = product["skus"][0]["id"]
    shopper = api.client(register(api, "repeat@example.com"))
    r = shopper.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1000}] * 11})
    assert r.status_code == 422 and r.json()["error"]["code"] == "quantity_too_large"
    assert _stock(shopper, product["id"]) == [5000] and _orders(api) == 0
    ok = shopper.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 500}] * 2})
    assert ok.status_code == 201 and ok.json()["items"][0]["quantity"] == 1000


def test_an_order_past_the_largest_amount_is_refused(api, admin):
    product = create_product(admin, price_cents=100_000_000, stock=1000, code="RICH", skus=11)
    lines = [{"sku_id": s["id"], "quantity": 1000} for s in product["skus"]]
    assert MAX_CENTS < 11 * 1000 * 100_000_000
    shopper = api.client(register(api, "rich@example.com"))
    r = shopper.post("/v1/orders", json={"items": lines})
    assert r.status_code == 422 and r.json()["error"]["code"] == "order_total_too_large"
    assert _stock(shopper, product["id"]) == [1000] * 11 and _orders(api) == 0
    assert shopper.post("/v1/orders", json={"items": lines[:10]}).status_code == 201


def _raw_exchange(sock: socket.socket, path: str) -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int([h.split(b":")[1] for h in head.split(b"\r\n")
                  if h.lower().startswith(b"content-length")][0])
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_a_server_error_keeps_the_connection_open(api):
    def boom():
        raise RuntimeError("planted bug")

    api.app.add_api_route("/boom", boom)
    port = int(api.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        first = _raw_exchange(sock, "/boom")
        assert first.startswith(b"HTTP/1.1 500") and b"connection: close" not in first.lower()
        second = _raw_exchange(sock, "/healthz")
        assert second.startswith(b"HTTP/1.1 200")


def test_oversized_chunked_body_is_413(api):
    limit = api.settings.max_body_bytes

    def chunks():
        for _ in range(limit // 1024 + 10):
            yield b"x" * 1024

    with api.client() as c:
        r = c.post("/v1/events", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        small = c.post("/v1/events", content=iter([b'{"events": [', b"1]}"]),
                       headers={"content-type": "application/json"})
        assert small.status_code == 200 and small.json()["rejected"][0]["index"] == 0


def test_control_characters_in_emails_are_refused(api):
    with api.client() as c:
        for email in ["nul\x00@example.com", "bell@exa\x07mple.com", "tab\t@example.com",
                      "esc\x1b[31m@example.com"]:
            r = c.post("/v1/auth/register", json={"email": email, "password": "long-enough-1"})
            assert r.status_code == 422, email


def test_numbers_must_be_numbers(api, admin):
    product = create_product(admin, stock=10, code="STRICT")
    sku = product["skus"][0]["id"]
    shopper = api.client(register(api, "strict@example.com"))
    for quantity in ["3", True, 2.0]:
        assert shopper.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": quantity}]}
                            ).status_code == 422
        assert shopper.post("/v1/cart/items", json={"sku_id": sku, "quantity": quantity}
                            ).status_code == 422
        assert admin.put(f"/v1/admin/skus/{sku}/stock", json={"available": quantity}
                         ).status_code == 422
    assert _stock(shopper, product["id"]) == [10] and _orders(api) == 0
    assert shopper.get("/v1/cart").json()["items"] == []


def test_another_users_payment_is_not_found_as_a_payment(api, admin):
    sku = create_product(admin, code="MINE")["skus"][0]["id"]
    owner = api.client(register(api, "payer@example.com"))
    order = owner.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}).json()
    payment = owner.post(f"/v1/orders/{order['id']}/payments", json={}).json()
    other = api.client(register(api, "peeker@example.com"))
    r = other.get(f"/v1/payments/{payment['id']}")
    assert r.status_code == 404 and r.json()["error"]["message"] == "payment not found"


def test_every_answer_carries_the_security_headers(api):
    with api.client() as c:
        for r in (c.get("/healthz"), c.get("/v1/nowhere"), c.get("/docs"),
                  c.post("/v1/auth/login", json={})):
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["x-frame-options"] == "DENY"
            assert r.headers["referrer-policy"] == "no-referrer"
