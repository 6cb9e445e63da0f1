"""Many shoppers at once, and workers that die: exactly the quantity is sold, each won
reservation becomes one order, and Redis, the ledger and the orders agree."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from tests.api.catalog_helpers import available
from tests.flash_sales.conftest import drain, flash_pass, product, reserve, schedule, shopper
from transactional_api.flash_sales import hot, worker
from transactional_api.orders.models import Order


def _orders(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Order).where(
            Order.idempotency_key.like("flash-%")))


def test_a_crowd_buys_exactly_the_quantity(flash_api):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        product_id, sku = product(admin, stock=30)
        sale = schedule(admin, sku, quantity=10, limit=1)
    passes = [flash_pass(api, shopper(api), sale["id"]) for _ in range(24)]
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def buyer(flash: str) -> None:
        for _ in range(3):  # each tries three times, with fresh request ids
            r = reserve(api, sale["id"], flash)
            with lock:
                answers.append((r.status_code, r.json().get("token")))

    threads = [threading.Thread(target=buyer, args=(p,)) for p in passes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [tok for status, tok in answers if status == 201]
    assert len(won) == 10 and len(set(won)) == 10
    assert {status for status, _ in answers} <= {201, 409}
    assert drain(api) == 10
    assert _orders(api) == 10
    with api.client(api.admin_token()) as admin:
        ended = admin.post(f"/v1/admin/flash-sales/{sale['id']}/end").json()
        assert ended["reconciliation"]["differences"] == []
        assert ended["reconciliation"]["live_order_units"] == 10
        # 30 on hand, 10 in the sale's orders (unpaid, still held for them)
        assert list(available(admin, product_id).values()) == [20]


def test_a_worker_that_dies_before_or_after_committing_makes_no_order_twice(flash_api,
                                                                            monkeypatch):
    api = flash_api
    client, queue = api.app.state.redis, api.settings.flash_queue
    with api.client(api.admin_token()) as admin:
        sale = schedule(admin, product(admin, stock=10)[1], quantity=6, limit=1)
    for _ in range(6):
        assert reserve(api, sale["id"], flash_pass(api, shopper(api), sale["id"])
                       ).status_code == 201
    worker.ensure_group(client, queue)
    # worker A reads three messages and dies before touching the database
    dead = client.xreadgroup(hot.GROUP, "dead-a", {queue: ">"}, count=3)[0][1]
    # worker B reads two, commits their orders and dies before acknowledging them
    half = client.xreadgroup(hot.GROUP, "dead-b", {queue: ">"}, count=2)[0][1]
    for _, fields in half:
        msg = {k.decode(): v.decode() for k, v in fields.items()}
        assert worker.handle(api.sessions, client, queue, msg) == "ordered"
    assert _orders(api) == 2
    # a live worker takes the new message at once and the dead ones' once they are stale
    monkeypatch.setattr(worker, "CLAIM_IDLE_MS", 0)
    assert drain(api) == 1 + len(dead) + len(half)
    assert _orders(api) == 6
    assert client.xpending(queue, hot.GROUP)["pending"] == 0
    with api.client(api.admin_token()) as admin:
        rec = admin.post(f"/v1/admin/flash-sales/{sale['id']}/end").json()["reconciliation"]
    assert rec["differences"] == [] and rec["orders"] == 6 and rec["duplicate_orders"] == 0


def test_a_reservation_whose_order_cannot_be_made_returns_to_the_pool(flash_api):
    api = flash_api
    client, queue = api.app.state.redis, api.settings.flash_queue
    with api.client(api.admin_token()) as admin:
        sale = schedule(admin, product(admin, stock=5)[1], quantity=1)
    # a pass for an account that does not exist: the worker cannot make its order
    ghost = hot.issue_pass(hot.pass_secret(api.app.state.webhook_secret), sale_id=sale["id"],
                           user_id=str(uuid.uuid4()), expires_s=4_000_000_000)
    assert reserve(api, sale["id"], ghost).status_code == 201
    real = flash_pass(api, shopper(api), sale["id"])
    assert reserve(api, sale["id"], real).status_code == 409  # sold out meanwhile
    drain(api)
    assert hot.state(client, sale["id"])["pool"] == 1
    assert reserve(api, sale["id"], real).status_code == 201
    worker.drain(api.sessions, client, queue=queue)
    assert _orders(api) == 1
