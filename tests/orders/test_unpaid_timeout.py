"""Unpaid orders cancel themselves after the payment timeout, also when the process that
placed them is gone: the deadline lives in the database, any later process sweeps it."""

from __future__ import annotations

import time

from tests.api.catalog_helpers import available, category, product, sku
from tests.api.payment_helpers import outbox_events
from tests.conftest import make_settings, register, run_api


def test_an_unpaid_order_is_cancelled_by_the_next_process_after_a_restart(tmp_path,
                                                                        redis_server):
    var = tmp_path / "var"
    first = run_api(make_settings(var, redis_server.url, order_payment_timeout_seconds=1))
    api = next(first)
    with api.client(api.admin_token()) as admin:
        p = product(admin, category(admin), [sku("T", stock=3)])
    c = api.client(register(api, "late@example.com"))
    order = c.post("/v1/orders", json={"items": [{"sku_id": p["skus"][0]["id"],
                                                  "quantity": 2}]}).json()
    assert available(c, p["id"]) == {"T": 1}
    token = c.headers["authorization"]
    next(first, None)  # the placing process stops before the deadline passes
    time.sleep(1.2)
    second = run_api(make_settings(var, redis_server.url, order_sweeper_interval_seconds=0.2,
                                   order_payment_timeout_seconds=1))
    api2 = next(second)
    try:
        c2 = api2.client()
        c2.headers["authorization"] = token
        deadline = time.monotonic() + 10
        while (got := c2.get(f"/v1/orders/{order['id']}").json())["status"] != "cancelled":
            assert time.monotonic() < deadline, got
            time.sleep(0.1)
        assert got["cancel_reason"] == "payment_timeout"
        assert all(s["status"] == "cancelled" for s in got["sub_orders"])
        assert available(c2, p["id"]) == {"T": 3}
        cancelled = [e for e in outbox_events(api2, "order_cancelled")
                     if e["payload"]["order_id"] == order["id"]]
        assert len(cancelled) == 1
    finally:
        next(second, None)
