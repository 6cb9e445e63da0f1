"""Withdrawals racing against a live API (SQLite, and PostgreSQL): the promoter's row lock
lets them take no more than the withdrawable balance, however they interleave."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import make_settings, run_api
from tests.promoters.conftest import (
    QUIET,
    buy,
    commissions,
    complete,
    consistent,
    later,
    product,
    promoter,
    run,
    shopper,
)

PRICE, RACERS = 20_000, 10


@pytest.fixture
def pg_api(tmp_path, redis_server, postgres_db):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     database_url=postgres_db, **QUIET))


def _race(api) -> None:
    with api.client(api.admin_token()) as admin:
        promo_c, promo = promoter(api, admin)
        buyer = shopper(api)
        buyer.post("/v1/promoters/bind", json={"code": promo["code"]})
        order = buy(buyer, product(admin, PRICE)["skus"][0]["id"])
        complete(admin, order["id"])
        run(admin)
        run(admin, later(api.settings.promoters_after_sales_days + 1))
        balance = commissions(promo_c)["balances"]["withdrawable_cents"]
        assert balance == PRICE * api.settings.promoters_default_level1_bp // 10_000
        amount = balance // 3 + 1  # two fit, a third does not
        start = threading.Barrier(RACERS)
        token = promo_c.headers["Authorization"].split()[1]

        def go(_) -> int:
            with api.client(token) as c:
                start.wait()
                return c.post("/v1/promoters/me/withdrawals",
                              json={"amount_cents": amount}).status_code

        with ThreadPoolExecutor(RACERS) as pool:
            codes = list(pool.map(go, range(RACERS)))
        assert sorted(codes) == [201] * 2 + [409] * (RACERS - 2)
        balances = commissions(promo_c)["balances"]
        assert (balances["withdrawable_cents"], balances["requested_cents"]) \
            == (balance - 2 * amount, 2 * amount)
        assert consistent(admin, promo["id"])


def test_on_sqlite_racing_withdrawals_cannot_overdraw(api):
    _race(api)


def test_on_postgresql_racing_withdrawals_cannot_overdraw(pg_api):
    _race(pg_api)
