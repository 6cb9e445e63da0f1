"""Acceptance: kill -9 the API (and the order worker inside it) in the middle of a flash
sale, start it again, and the sale still sells exactly its quantity: every winner has one
order, nobody won twice, and the reconciliation at the end is clean."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process

pytestmark = [pytest.mark.e2e]
SHOPPERS, STOCK, QUANTITY = 36, 40, 18


def test_killing_the_api_mid_sale_sells_exactly_the_quantity(tmp_path, redis_server):
    var = tmp_path / "var"
    db_url = f"sqlite:///{var / 'flash.db'}"
    env = {"FLYWHEEL_FLASH_QUEUE": f"test:flash:{uuid.uuid4().hex}",
           "FLYWHEEL_FLASH_WORKER_INTERVAL_SECONDS": "0.05",
           "FLYWHEEL_FLASH_JOBS_INTERVAL_SECONDS": "0.5",
           "FLYWHEEL_FLASH_CLIENT_RATE_PER_SECOND": "1000", "FLYWHEEL_FLASH_CLIENT_BURST": "1000",
           "FLYWHEEL_MEMBERS_CONSUMER_INTERVAL_SECONDS": "0",
           "FLYWHEEL_REACH_INTERVAL_SECONDS": "0", "FLYWHEEL_EVENTS_RATE_PER_SECOND": "100000"}
    proc, url = start_api_process(var, db_url, redis_server.url, start_timeout=240,
                                  **env)
    current = {"url": url}
    try:
        admin = httpx.Client(base_url=url, timeout=30)
        admin.headers["Authorization"] = "Bearer " + admin.post("/v1/auth/login", json={
            "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["token"]
        cat = admin.post("/v1/admin/categories", json={"name": "F", "slug": "f"}).json()["id"]
        sku = admin.post("/v1/admin/products", json={
            "category_id": cat, "name": "Hot item", "status": "listed",
            "skus": [{"code": "HOT", "name": "hot", "price_cents": 2000, "stock": STOCK}]}
        ).json()["skus"][0]["id"]
        now = time.time()
        sale = admin.post("/v1/admin/flash-sales", json={
            "name": "Crash sale", "sku_id": sku, "flash_price_cents": 999,
            "quantity": QUANTITY, "per_user_limit": 1,
            "starts_at": _iso(now - 1), "ends_at": _iso(now + 3600)}).json()["id"]
        assert admin.post(f"/v1/admin/flash-sales/{sale}/arm").status_code == 200
        passes = []
        for i in range(SHOPPERS):
            token = httpx.post(f"{url}/v1/auth/register", json={
                "email": f"crash{i}@example.com", "password": "shopper-pass-1"}).json()["token"]
            passes.append(httpx.post(f"{url}/v1/flash-sales/{sale}/pass", headers={
                "Authorization": f"Bearer {token}"}).json()["flash_pass"])
        admin.close()

        answers: dict[int, tuple[int, str | None]] = {}
        started = threading.Barrier(SHOPPERS + 1)

        def buyer(i: int) -> None:
            request_id = f"req-{i}"  # one purchase: every retry carries the same id
            started.wait()
            time.sleep(i * 0.02)
            deadline = time.monotonic() + 400  # a loaded machine restarts slowly
            while time.monotonic() < deadline:
                try:
                    r = httpx.post(f"{current['url']}/v1/flash-sales/{sale}/reserve",
                                   headers={"X-Flash-Pass": passes[i]},
                                   json={"request_id": request_id}, timeout=5)
                except httpx.HTTPError:
                    time.sleep(0.2)  # the API is down: retry the same request
                    continue
                answers[i] = (r.status_code, r.json().get("token"))
                return

        threads = [threading.Thread(target=buyer, args=(i,)) for i in range(SHOPPERS)]
        for t in threads:
            t.start()
        started.wait()
        time.sleep(0.3)  # some have won, the worker is making their orders
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc, current["url"] = start_api_process(var, db_url, redis_server.url,
                                                 start_timeout=240, **env)
        for t in threads:
            t.join()

        won = [tok for status, tok in answers.values() if status in (200, 201)]
        assert len(answers) == SHOPPERS
        assert len(won) == QUANTITY and len(set(won)) == QUANTITY
        assert {s for s, _ in answers.values()} <= {200, 201, 409}
        admin = httpx.Client(base_url=current["url"], timeout=60)
        admin.headers["Authorization"] = "Bearer " + admin.post("/v1/auth/login", json={
            "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["token"]
        deadline = time.monotonic() + 60
        while admin.get(f"/v1/admin/flash-sales/{sale}/reconciliation"
                        ).json()["now"]["queued"] and time.monotonic() < deadline:
            time.sleep(0.2)
        ended = admin.post(f"/v1/admin/flash-sales/{sale}/end").json()
        rec = ended["reconciliation"]
        assert rec["differences"] == []
        assert (rec["orders"], rec["duplicate_orders"], rec["oversold"]) == (QUANTITY, 0, 0)
        engine = create_engine(db_url)
        with engine.connect() as conn:
            keys = conn.execute(text(
                "select idempotency_key from orders where idempotency_key like 'flash-%'")
            ).scalars().all()
            on_hand, reserved = conn.execute(text(
                "select sum(on_hand), sum(reserved) from stock_levels where sku_id = :s"),
                {"s": sku}).one()
        engine.dispose()
        assert sorted(keys) == sorted(f"flash-{t}" for t in won)
        # every unit not in a winner's order is back on sale; the winners' are held for them
        assert (on_hand, reserved) == (STOCK, QUANTITY)
    finally:
        proc.kill()
        proc.wait()


def _iso(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).isoformat()
