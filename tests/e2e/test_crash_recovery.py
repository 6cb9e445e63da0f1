"""Acceptance: kill -9 the API during a burst of orders and payments, restart it, and within
10 s the relay has resumed, no payment is stuck pending, and every order has its events in
the lake and the stream."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, free_port

pytestmark = [pytest.mark.e2e]


def _start(env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "transactional_api.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "API exited during start-up"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("API did not start")


def _lake_events(lake: Path, event_type: str) -> list[dict]:
    out = []
    for f in sorted((lake / event_type).glob("date=*/part-*.jsonl")):
        out += [json.loads(line) for line in f.read_text().splitlines() if line.strip()]
    return out


def _burst(url: str, tokens: list[str], sku: str, stop: threading.Event) -> None:
    def shopper(token: str) -> None:
        with httpx.Client(base_url=url, timeout=5,
                          headers={"Authorization": f"Bearer {token}"}) as c:
            while not stop.is_set():
                try:
                    order = c.post("/v1/orders", json={"items": [{"sku_id": sku,
                                                                   "quantity": 1}]})
                    if order.status_code == 201:
                        c.post(f"/v1/orders/{order.json()['id']}/payments", json={})
                except httpx.HTTPError:
                    return  # the server died under us

    threads = [threading.Thread(target=shopper, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    return threads


def test_kill_9_during_orders_and_payments_recovers_within_10s(tmp_path, redis_server):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    var = tmp_path / "var"
    stream = f"crash:{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "FLYWHEEL_VAR_DIR": str(var), "FLYWHEEL_REDIS_URL": redis_server.url,
           "FLYWHEEL_REDIS_STREAM": stream, "FLYWHEEL_ADMIN_EMAIL": ADMIN_EMAIL,
           "FLYWHEEL_ADMIN_PASSWORD": ADMIN_PASSWORD, "FLYWHEEL_API_URL": url,
           "FLYWHEEL_RELAY_INTERVAL_SECONDS": "0.2",
           "FLYWHEEL_PAYMENT_SANDBOX_ENABLED": "true",
           # confirmations are due a little later, so some are in flight at the kill
           "FLYWHEEL_SANDBOX_CALLBACK_DELAY_SECONDS": "0.5",
           "FLYWHEEL_PAYMENT_SWEEPER_INTERVAL_SECONDS": "1",
           "FLYWHEEL_PAYMENT_RECONCILE_AFTER_SECONDS": "5",
           "FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT": "100000"}
    proc = _start(env, port)
    try:
        with httpx.Client(base_url=url, timeout=10) as c:
            admin = {"Authorization": "Bearer " + c.post("/v1/auth/login", json={
                "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["token"]}
            cat = c.post("/v1/admin/categories", headers=admin,
                         json={"name": "Crash", "slug": "crash"}).json()["id"]
            sku = c.post("/v1/admin/products", headers=admin, json={
                "category_id": cat, "name": "Crash item",
                "skus": [{"code": "CRASH", "name": "one", "price_cents": 500,
                          "stock": 100_000}], "status": "listed"}).json()["skus"][0]["id"]
            tokens = [c.post("/v1/auth/register", json={
                "email": f"crash{i}@example.com", "password": "crash-password"}
            ).json()["token"] for i in range(6)]
        stop = threading.Event()
        threads = _burst(url, tokens, sku, stop)
        time.sleep(2.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        stop.set()
        for t in threads:
            t.join(10)

        engine = create_engine(f"sqlite:///{var / 'oltp.sqlite3'}")
        with engine.connect() as conn:
            pending_at_kill = conn.execute(text(
                "SELECT count(*) FROM payments WHERE status = 'pending'")).scalar()
            orders_at_kill = conn.execute(text("SELECT count(*) FROM orders")).scalar()
        assert orders_at_kill > 10  # the burst really ran

        proc = _start(env, port)
        restarted = time.monotonic()
        client = redis.Redis.from_url(redis_server.url)
        while True:
            with engine.connect() as conn:
                pending = conn.execute(text(
                    "SELECT count(*) FROM payments WHERE status = 'pending'")).scalar()
                unrelayed = conn.execute(text(
                    "SELECT count(*) FROM outbox WHERE published_at IS NULL "
                    "OR streamed_at IS NULL")).scalar()
            if pending == 0 and unrelayed == 0:
                break
            assert time.monotonic() - restarted < 10, (
                f"after 10 s: {pending} payments pending (of {pending_at_kill} at the kill), "
                f"{unrelayed} events not relayed")
            time.sleep(0.2)

        with engine.connect() as conn:
            orders = {r[0] for r in conn.execute(text("SELECT id FROM orders"))}
            paid = {r[0] for r in conn.execute(text(
                "SELECT id FROM orders WHERE status = 'paid'"))}
            outbox = {r[0] for r in conn.execute(text("SELECT event_id FROM outbox"))}
        engine.dispose()
        lake = var / "lake"
        assert {e["payload"]["order_id"] for e in _lake_events(lake, "order_created")} == orders
        assert {e["payload"]["order_id"] for e in _lake_events(lake, "order_paid")} == paid
        streamed = {json.loads(fields[b"record"])["event_id"]
                    for _, fields in client.xrange(stream)}
        assert outbox <= streamed
        assert paid, "no payment went through"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
