"""A process that held stock dies without a trace; the hold still lapses and the units
come back, returned by another process's sweeper."""

from __future__ import annotations

import signal
import time

import httpx

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process


def test_a_killed_process_holds_nothing_for_ever(tmp_path, redis_server):
    var = tmp_path / "var"
    var.mkdir()
    url = f"sqlite:///{var}/oltp.sqlite3"
    short = {"FLYWHEEL_ORDER_PAYMENT_TIMEOUT_SECONDS": "2",
             "FLYWHEEL_RESERVATION_SWEEPER_INTERVAL_SECONDS": "3600",
             "FLYWHEEL_ORDER_SWEEPER_INTERVAL_SECONDS": "0"}
    doomed, a = start_api_process(var, url, redis_server.url, **short)
    admin = {"Authorization": "Bearer " + httpx.post(f"{a}/v1/auth/login", json={
        "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["token"]}
    cat = httpx.post(f"{a}/v1/admin/categories", json={"name": "K", "slug": "k"},
                     headers=admin).json()["id"]
    product = httpx.post(f"{a}/v1/admin/products", headers=admin, json={
        "category_id": cat, "name": "Held", "status": "listed",
        "skus": [{"code": "HELD", "price_cents": 100, "stock": 3}]}).json()
    shopper = {"Authorization": "Bearer " + httpx.post(f"{a}/v1/auth/register", json={
        "email": "held@example.com", "password": "held-password"}).json()["token"]}
    r = httpx.post(f"{a}/v1/orders", headers=shopper, json={
        "items": [{"sku_id": product["skus"][0]["id"], "quantity": 3}]})
    assert r.status_code == 201
    assert httpx.get(f"{a}/v1/products/{product['id']}").json()["skus"][0]["available"] == 0
    doomed.send_signal(signal.SIGKILL)  # no shutdown hook, no cleanup
    doomed.wait(10)
    survivor, b = start_api_process(var, url, redis_server.url,
                                    FLYWHEEL_RESERVATION_SWEEPER_INTERVAL_SECONDS="0.2")
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            left = httpx.get(f"{b}/v1/products/{product['id']}").json()["skus"][0]["available"]
            if left == 3:
                break
            time.sleep(0.2)
        assert left == 3
        check = httpx.get(f"{b}/v1/admin/stock/ledger-check", headers=admin).json()
        assert check["consistent"] is True
    finally:
        survivor.terminate()
        survivor.wait(15)
