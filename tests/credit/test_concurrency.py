"""Concurrent checkouts never spend more than the limit: real threads against the live
API, on SQLite and on PostgreSQL (the line row lock, with the CHECK behind it)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.conftest import create_product, make_settings, run_api
from tests.credit.helpers import shopper
from transactional_api.credit import lines
from transactional_api.credit.models import CreditLine

ORDERS = 8


def _race(api, email: str) -> None:
    c, uid, app = shopper(api, email)
    limit = app["limit_cents"]
    price = limit // 4 - 5_000  # four fit, the fifth does not
    with api.client(api.admin_token()) as admin:
        sku = create_product(admin, price_cents=price, stock=ORDERS + 1,
                             code=email)["skus"][0]["id"]
    orders = [c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}).json()
              for _ in range(ORDERS)]
    total = orders[0]["total_cents"]
    codes: list[int] = []
    start = threading.Barrier(ORDERS)
    token = c.headers["Authorization"]

    def pay(order: dict) -> None:
        with api.client(**{"Authorization": token}) as mine:
            start.wait()
            r = mine.post(f"/v1/orders/{order['id']}/credit-payment",
                          json={"term_months": 3})
            codes.append(r.status_code)

    threads = [threading.Thread(target=pay, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    fits = limit // total
    assert sorted(codes) == [201] * fits + [422] * (ORDERS - fits)
    with api.sessions() as s:
        line = s.scalar(select(CreditLine).where(CreditLine.user_id == uid))
        assert line.used_cents == fits * total <= line.limit_cents
        assert lines.ledger_sum(s, line.id) == line.used_cents


def test_concurrent_credit_checkouts_stay_within_the_limit_on_sqlite(api):
    _race(api, "credit-race@example.com")


@pytest.fixture
def pg_api(tmp_path, redis_server, postgres_db):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     database_url=postgres_db,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0))


def test_concurrent_credit_checkouts_stay_within_the_limit_on_postgresql(pg_api):
    _race(pg_api, "credit-race-pg@example.com")
