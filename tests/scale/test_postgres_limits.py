"""The PostgreSQL limits an operator sets (pool, statement, lock and idle timeouts): a request
that meets one answers 503 with Retry-After and changes nothing, and the same request
succeeds once the database is free again."""

from __future__ import annotations

import threading
import time

import httpx
import psycopg
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process
from transactional_api.core.db import make_engine
from transactional_api.core.db_options import DbOptions
from transactional_api.core.errors import database_busy_reason

pytestmark = pytest.mark.slow


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_statement_and_idle_timeouts_reach_every_pooled_connection(postgres_db):
    engine = make_engine(postgres_db, DbOptions(statement_timeout_ms=200, lock_timeout_ms=100,
                                                idle_in_transaction_timeout_ms=300))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "200ms"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "100ms"
            assert conn.execute(text("SHOW idle_in_transaction_session_timeout")
                                ).scalar() == "300ms"
            started = time.monotonic()
            with pytest.raises(sa_exc.OperationalError) as err:
                conn.execute(text("SELECT pg_sleep(3)"))
            assert time.monotonic() - started < 2  # cancelled at 0.2 s, not after 3 s
            assert database_busy_reason(err.value) == "statement_timeout"
        # A transaction left idle is ended by the server; the pool's pre-ping replaces the
        # dead connection, so the next unit of work still runs.
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            time.sleep(0.8)
            with pytest.raises(sa_exc.DBAPIError, match="idle-in-transaction"):
                conn.execute(text("SELECT 1"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 2")).scalar() == 2
    finally:
        engine.dispose()


def test_pool_timeout_is_a_busy_database(postgres_db):
    engine = make_engine(postgres_db, DbOptions(pool_size=1, max_overflow=0,
                                                pool_timeout_seconds=0.2))
    try:
        with engine.connect():
            with pytest.raises(sa_exc.TimeoutError) as err:
                engine.connect()
            assert database_busy_reason(err.value) == "pool_exhausted"
    finally:
        engine.dispose()


@pytest.fixture
def limited_api(tmp_path, postgres_db, redis_server):
    # One pooled connection and short waits, so one blocked request exhausts the pool.
    proc, url = start_api_process(
        tmp_path / "var", postgres_db, redis_server.url, FLYWHEEL_DB_POOL_SIZE="1",
        FLYWHEEL_DB_MAX_OVERFLOW="0", FLYWHEEL_DB_POOL_TIMEOUT_SECONDS="0.5",
        FLYWHEEL_DB_LOCK_TIMEOUT_MS="1500", FLYWHEEL_RELAY_INTERVAL_SECONDS="0",
        FLYWHEEL_ORDER_SWEEPER_INTERVAL_SECONDS="0",
        FLYWHEEL_RESERVATION_SWEEPER_INTERVAL_SECONDS="0",
        FLYWHEEL_PAYMENT_SWEEPER_INTERVAL_SECONDS="0",
        FLYWHEEL_PAYMENT_REFUND_SWEEPER_INTERVAL_SECONDS="0",
        FLYWHEEL_PAYMENT_RECONCILIATION_INTERVAL_SECONDS="0",
        FLYWHEEL_CARRIER_DELIVERY_INTERVAL_SECONDS="0",
        FLYWHEEL_AUTO_COMPLETE_INTERVAL_SECONDS="0")
    yield url
    proc.terminate()
    proc.wait(15)


def _placed_order(url: str) -> tuple[str, dict]:
    admin = {"Authorization": "Bearer " + httpx.post(f"{url}/v1/auth/login", json={
        "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).raise_for_status().json()["token"]}
    cat = httpx.post(f"{url}/v1/admin/categories", json={"name": "Limits", "slug": "limits"},
                     headers=admin).raise_for_status().json()
    product = httpx.post(f"{url}/v1/admin/products", headers=admin, json={
        "category_id": cat["id"], "name": "Held", "status": "listed",
        "skus": [{"code": "LIM-1", "name": "one", "price_cents": 900, "stock": 5}]}
    ).raise_for_status().json()
    shopper = {"Authorization": "Bearer " + httpx.post(f"{url}/v1/auth/register", json={
        "email": "limits@example.com", "password": "limits-pass-1"}).raise_for_status().json()[
        "token"]}
    order = httpx.post(f"{url}/v1/orders", headers=shopper, json={
        "items": [{"sku_id": product["skus"][0]["id"], "quantity": 1}]}).raise_for_status()
    return order.json()["id"], shopper


def _wait_for_lock_waiter(dsn: str) -> None:
    deadline = time.monotonic() + 10
    with psycopg.connect(dsn, autocommit=True) as watch:
        while time.monotonic() < deadline:
            if watch.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the request never waited for the row lock")


def test_lock_and_pool_timeouts_answer_503_and_change_nothing(limited_api, postgres_db):
    url, dsn = limited_api, _libpq(postgres_db)
    order_id, shopper = _placed_order(url)
    answers: dict[str, httpx.Response] = {}
    with psycopg.connect(dsn) as blocker:
        # Another worker holds the order's row: the cancel must wait for it, then give up.
        blocker.execute("SELECT id FROM orders WHERE id = %s FOR UPDATE", (order_id,))
        cancel = threading.Thread(target=lambda: answers.setdefault("cancel", httpx.post(
            f"{url}/v1/orders/{order_id}/cancel", headers=shopper, timeout=30)))
        cancel.start()
        _wait_for_lock_waiter(dsn)
        # The one pooled connection is taken by the waiting cancel: a read times out waiting
        # for a connection.
        listed = httpx.get(f"{url}/v1/orders", headers=shopper, timeout=30)
        cancel.join(30)
        blocker.rollback()
    assert listed.status_code == 503, listed.text
    assert listed.json()["error"]["code"] == "database_busy"
    assert listed.json()["error"]["details"] == {"reason": "pool_exhausted"}
    assert listed.headers["retry-after"] == "1"
    r = answers["cancel"]
    assert r.status_code == 503, r.text
    assert r.json()["error"]["details"] == {"reason": "lock_timeout"}
    order = httpx.get(f"{url}/v1/orders/{order_id}", headers=shopper).json()
    assert order["status"] == "pending_payment"  # nothing changed
    # free again: the same requests succeed
    assert httpx.post(f"{url}/v1/orders/{order_id}/cancel", headers=shopper
                      ).json()["status"] == "cancelled"
    assert httpx.get(f"{url}/v1/orders", headers=shopper).status_code == 200
