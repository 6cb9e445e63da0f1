from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.conftest import create_product, make_settings, register, run_api
from transactional_api.events.contract import ORDER_EVENTS
from transactional_api.events.models import OutboxEvent
from transactional_api.orders.models import Order


def _stock(client, product_id: str) -> int:
    return client.get(f"/v1/products/{product_id}").json()["skus"][0]["available"]


def _order_count(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Order))


def test_order_snapshots_prices_and_reserves_stock(api, admin):
    product = create_product(admin, price_cents=1250, stock=5)
    sku = product["skus"][0]["id"]
    with api.client(register(api, "a@example.com")) as c:
        c.post("/v1/cart/items", json={"sku_id": sku, "quantity": 2}).raise_for_status()
        order = c.post("/v1/orders", json={"session_id": "s1"}).json()
        assert order["status"] == "pending_payment"
        assert order["total_cents"] == 2500 and order["items"][0]["unit_price_cents"] == 1250
        assert c.get("/v1/cart").json()["items"] == []  # checkout empties the cart
        admin.put(f"/v1/admin/skus/{sku}/price", json={"price_cents": 9999}).raise_for_status()
        again = c.get(f"/v1/orders/{order['id']}").json()
        assert again["total_cents"] == 2500 and again["items"][0]["unit_price_cents"] == 1250
        assert _stock(c, product["id"]) == 3
    with api.sessions() as s:
        types = list(s.scalars(select(OutboxEvent.event_type).where(
            OutboxEvent.event_type.in_(ORDER_EVENTS))))
        held = s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.event_type == "stock_moved", OutboxEvent.record.contains('"reserved"')))
    assert types == ["order_created"] and held == 1


def test_clients_cannot_send_prices(api, admin):
    sku = create_product(admin)["skus"][0]["id"]
    with api.client(register(api, "p@example.com")) as c:
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1,
                                                  "unit_price_cents": 1}]})
        assert r.status_code == 422
    assert _order_count(api) == 0


def test_cancel_releases_stock_and_illegal_transitions_conflict(api, admin):
    product = create_product(admin, stock=4)
    sku = product["skus"][0]["id"]
    with api.client(register(api, "b@example.com")) as c:
        order = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 3}]}).json()
        assert _stock(c, product["id"]) == 1
        cancelled = c.post(f"/v1/orders/{order['id']}/cancel").json()
        assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
        assert _stock(c, product["id"]) == 4
        again = c.post(f"/v1/orders/{order['id']}/cancel")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "illegal_transition"
    ship = admin.post(f"/v1/admin/orders/{order['id']}/ship")
    assert ship.status_code == 409 and "cancelled to shipped" in ship.json()["error"]["message"]


def test_other_shoppers_cannot_see_or_cancel(api, admin):
    sku = create_product(admin)["skus"][0]["id"]
    with api.client(register(api, "owner@example.com")) as c:
        order = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}).json()
    with api.client(register(api, "other@example.com")) as c:
        assert c.get(f"/v1/orders/{order['id']}").status_code == 404
        assert c.post(f"/v1/orders/{order['id']}/cancel").status_code == 404
    assert admin.get(f"/v1/orders/{order['id']}").json()["status"] == "pending_payment"


def test_idempotency_key_places_one_order(api, admin):
    product = create_product(admin, stock=10)
    sku = product["skus"][0]["id"]
    with api.client(register(api, "i@example.com"), **{"Idempotency-Key": "k-1"}) as c:
        first = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 2}]})
        second = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 2}]})
    assert first.status_code == 201 and second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    with api.client(register(api, "j@example.com"), **{"Idempotency-Key": "k-1"}) as other:
        # keys are per shopper: the same key from someone else is a new order
        assert other.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}
                          ).status_code == 201
    with api.client() as c:
        assert _stock(c, product["id"]) == 7
    assert _order_count(api) == 2


def test_idempotency_key_reused_for_another_request_is_refused(api, admin):
    product = create_product(admin, stock=10)
    sku = product["skus"][0]["id"]
    with api.client(register(api, "k@example.com"), **{"Idempotency-Key": "k-2"}) as c:
        assert c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}
                      ).status_code == 201
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 5}]})
        assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"
        assert _stock(c, product["id"]) == 9
    assert _order_count(api) == 1


def test_bad_order_input_changes_nothing(api, admin):
    product = create_product(admin, stock=5)
    sku = product["skus"][0]["id"]
    token = register(api, "bad@example.com")
    bodies = [
        {"items": [{"sku_id": "nope", "quantity": 1}]},
        {"items": [{"sku_id": sku, "quantity": 0}]},
        {"items": [{"sku_id": sku, "quantity": -3}]},
        {"items": [{"sku_id": sku, "quantity": 10**9}]},
        {"items": [{"sku_id": sku, "quantity": "two"}]},
        {"items": [{"sku_id": sku, "quantity": 6}]},  # more than in stock
        {"items": []},
        {},  # empty cart
    ]
    with api.client(token) as c:
        for body in bodies:
            r = c.post("/v1/orders", json=body)
            assert r.status_code in (409, 422), (body, r.text)
            assert r.json()["error"]["code"]
        r = c.post("/v1/orders", content=b'{"items": [',
                   headers={"content-type": "application/json"})
        assert r.status_code == 422
        r = c.post("/v1/orders", content=b"x" * (api.settings.max_body_bytes + 1),
                   headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        assert _stock(c, product["id"]) == 5
    assert _order_count(api) == 0
    with api.sessions() as s:  # no order event and no stock hold was written
        assert s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.event_type.in_(ORDER_EVENTS))) == 0
        assert s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.record.contains('"reserved"'))) == 0


def test_unpaid_orders_expire_and_release_stock(tmp_path, redis_server):
    settings = make_settings(tmp_path / "var", redis_server.url, simulated_clock=True,
                             order_payment_timeout_seconds=600)
    for live in run_api(settings):
        with live.client(live.admin_token()) as admin:
            product = create_product(admin, stock=3)
            sku = product["skus"][0]["id"]
            t0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
            with live.client(register(live, "late@example.com"),
                             **{"X-Flywheel-Clock": t0.isoformat()}) as c:
                order = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 2}]})
                order = order.json()
            assert order["created_at"].startswith("2026-01-01T12:00")
            early = (t0 + timedelta(minutes=9)).isoformat()
            assert admin.post("/v1/admin/orders/expire",
                              headers={"X-Flywheel-Clock": early}).json() == {"cancelled": 0}
            late = (t0 + timedelta(minutes=11)).isoformat()
            assert admin.post("/v1/admin/orders/expire",
                              headers={"X-Flywheel-Clock": late}).json() == {"cancelled": 1}
            got = admin.get(f"/v1/orders/{order['id']}").json()
            assert got["status"] == "cancelled" and got["cancel_reason"] == "payment_timeout"
            assert _stock(admin, product["id"]) == 3


def test_background_sweeper_cancels_overdue_orders(tmp_path, redis_server):
    settings = make_settings(tmp_path / "var", redis_server.url,
                             order_payment_timeout_seconds=1, order_sweeper_interval_seconds=0.2)
    for live in run_api(settings):
        with live.client(live.admin_token()) as admin:
            product = create_product(admin, stock=2)
            sku = product["skus"][0]["id"]
            with live.client(register(live, "sleepy@example.com")) as c:
                order = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 2}]})
                order_id = order.json()["id"]
                assert _stock(c, product["id"]) == 0
                deadline = time.monotonic() + 10
                while c.get(f"/v1/orders/{order_id}").json()["status"] != "cancelled":
                    assert time.monotonic() < deadline, "sweeper never cancelled the order"
                    time.sleep(0.1)
                assert _stock(c, product["id"]) == 2
                late = c.post(f"/v1/orders/{order_id}/payments", json={})
                assert late.status_code == 409
