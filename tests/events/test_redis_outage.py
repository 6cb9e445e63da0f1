"""Acceptance: a live API keeps taking orders through a Redis restart, and once the outbox
drains, the stream holds every order event (at least once) — no silent gap."""

from __future__ import annotations

import contextlib
import json
import threading
import time

import redis
from sqlalchemy import select

from tests.conftest import create_product, free_port, make_settings, register, run_api
from transactional_api.core.redis_server import start_redis
from transactional_api.events.models import OutboxEvent


def _outbox(api) -> list:
    with api.sessions() as s:
        return s.execute(select(OutboxEvent.event_id, OutboxEvent.event_type,
                                OutboxEvent.published_at, OutboxEvent.streamed_at)).all()


def test_no_order_event_is_missing_from_the_stream_after_a_redis_outage(tmp_path):
    port, data = free_port(), tmp_path / "redis"
    server = start_redis(data, port, persist=True)
    settings = make_settings(tmp_path / "var", server.url, relay_interval_seconds=0.2)
    try:
        with contextlib.closing(run_api(settings)) as live:
            api = next(live)
            with api.client(api.admin_token()) as admin:
                sku = create_product(admin, stock=100_000, code="OUTAGE")["skus"][0]["id"]
            token = register(api, "outage@example.com")
            placed: list[float] = []
            stop = threading.Event()

            def shop() -> None:
                with api.client(token) as c:
                    while not stop.is_set():
                        r = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]})
                        assert r.status_code == 201, r.text
                        placed.append(time.monotonic())
                        time.sleep(0.02)

            shopper = threading.Thread(target=shop, daemon=True)
            shopper.start()
            try:
                time.sleep(1.0)
                server.stop()
                down_from = time.monotonic()
                time.sleep(3.0)
                down_until = time.monotonic()
                server = start_redis(data, port, persist=True)
                time.sleep(1.0)
            finally:
                stop.set()
                shopper.join(30)
            assert any(down_from < t < down_until for t in placed), "no order during the outage"

            deadline = time.monotonic() + 20
            while not all(published and streamed for *_, published, streamed in _outbox(api)):
                assert time.monotonic() < deadline, "the outbox never drained"
                time.sleep(0.2)
            created = {e for e, kind, *_ in _outbox(api) if kind == "order_created"}
            assert len(created) == len(placed)
            entries = redis.Redis.from_url(server.url).xrange(settings.redis_stream)
            streamed = {json.loads(fields[b"record"])["event_id"] for _, fields in entries}
            assert created - streamed == set()
    finally:
        server.stop()
