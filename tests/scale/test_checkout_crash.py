"""Kill the API in the middle of a burst of checkouts and payments, start it again, and
show that nothing is lost or doubled: every order has its events, no stock hold is stuck,
every payment is settled once."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections import Counter

import httpx
import sqlalchemy as sa

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process

FAST = {"FLYWHEEL_ORDER_PAYMENT_TIMEOUT_SECONDS": "4",
        "FLYWHEEL_ORDER_SWEEPER_INTERVAL_SECONDS": "0.3",
        "FLYWHEEL_RESERVATION_SWEEPER_INTERVAL_SECONDS": "0.3",
        "FLYWHEEL_PAYMENT_SWEEPER_INTERVAL_SECONDS": "0.3",
        "FLYWHEEL_PAYMENT_RECONCILE_AFTER_SECONDS": "1"}


def _burst(base: str, tokens: list[str], skus: list[str], stop: threading.Event,
           placed: list[str]) -> None:
    def shopper(i: int) -> None:
        with httpx.Client(base_url=base, timeout=5,
                          headers={"Authorization": f"Bearer {tokens[i]}"}) as c:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    r = c.post("/v1/orders", headers={"Idempotency-Key": uuid.uuid4().hex},
                               json={"items": [{"sku_id": skus[(i + n) % len(skus)],
                                                "quantity": 1}]})
                    if r.status_code != 201:
                        continue
                    placed.append(r.json()["id"])
                    c.post(f"/v1/orders/{r.json()['id']}/payments", json={})
                except httpx.HTTPError:
                    time.sleep(0.05)  # the server is gone: keep knocking until told to stop

    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join(10)


def test_a_crash_mid_burst_loses_and_doubles_nothing(tmp_path, redis_server):
    var = tmp_path / "var"
    var.mkdir()
    url = f"sqlite:///{var}/oltp.sqlite3"
    proc, base = start_api_process(var, url, redis_server.url, **FAST)
    admin = {"Authorization": "Bearer " + httpx.post(f"{base}/v1/auth/login", json={
        "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["token"]}
    cat = httpx.post(f"{base}/v1/admin/categories", json={"name": "C", "slug": "c"},
                     headers=admin).json()["id"]
    product = httpx.post(f"{base}/v1/admin/products", headers=admin, json={
        "category_id": cat, "name": "Burst", "status": "listed",
        "skus": [{"code": f"B{i}", "price_cents": 700 + i, "stock": 400}
                 for i in range(4)]}).json()
    skus = [s["id"] for s in product["skus"]]
    tokens = [httpx.post(f"{base}/v1/auth/register", json={
        "email": f"burst{i}@example.com", "password": "burst-password"}).json()["token"]
        for i in range(6)]
    stop, placed = threading.Event(), []
    burst = threading.Thread(target=_burst, args=(base, tokens, skus, stop, placed))
    burst.start()
    time.sleep(2.5)
    proc.send_signal(signal.SIGKILL)  # mid-transaction, mid-callback, no shutdown hook
    proc.wait(10)
    stop.set()
    burst.join(30)
    assert len(placed) > 10  # the burst really was under way
    survivor, base2 = start_api_process(var, url, redis_server.url, **FAST)
    try:
        engine = sa.create_engine(url)
        deadline = time.monotonic() + 40
        while True:
            with engine.connect() as db:
                busy = db.execute(sa.text(
                    "SELECT (SELECT count(*) FROM orders WHERE status = 'pending_payment') + "
                    "(SELECT count(*) FROM payments WHERE status = 'pending') + "
                    "(SELECT count(*) FROM outbox WHERE published_at IS NULL)")).scalar()
            if busy == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert busy == 0, "orders, payments or events still unsettled after the restart"
        with engine.connect() as db:
            orders = dict(db.execute(sa.text("SELECT id, status FROM orders")).all())
            subs = Counter(r[0] for r in db.execute(sa.text("SELECT order_id FROM sub_orders")))
            events = Counter((r[0], r[1]) for r in db.execute(sa.text(
                "SELECT event_type, json_extract(record, '$.payload.order_id') FROM outbox")))
            succeeded = Counter(r[0] for r in db.execute(sa.text(
                "SELECT order_id FROM payments WHERE status = 'succeeded'")))
            held = db.execute(sa.text(
                "SELECT count(*) FROM stock_reservations WHERE status IN ('active', "
                "'deferred')")).scalar()
        assert set(placed) <= set(orders)  # every order the client saw was kept
        for oid, status in orders.items():
            assert events[("order_created", oid)] == 1, oid
            assert events[("sub_order_created", oid)] == subs[oid] >= 1, oid
            assert status in ("paid", "cancelled"), (oid, status)
            assert events[("order_paid", oid)] == (status == "paid"), oid
            assert events[("order_cancelled", oid)] == (status == "cancelled"), oid
            assert succeeded[oid] == (status == "paid"), oid  # paid once, or not at all
        assert held == 0
        check = httpx.get(f"{base2}/v1/admin/stock/ledger-check", headers=admin).json()
        assert check["consistent"] is True
        engine.dispose()
    finally:
        survivor.terminate()
        survivor.wait(15)
