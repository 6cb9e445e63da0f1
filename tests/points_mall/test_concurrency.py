"""Many shoppers redeem the last units of one item at once, on SQLite and PostgreSQL:
exactly the mall stock is redeemed, every loser gets 409 out_of_stock (or
insufficient_points when one shopper's parallel requests outrun their balance) and wrote
nothing, no balance ever goes below zero and every ledger equals its balance."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.points_mall.mall_helpers import goods_item, shopper, sku, start_api
from transactional_api.members import points
from transactional_api.members.models import MemberAccount, PointsEntry
from transactional_api.orders.models import Order
from transactional_api.points_mall.models import MallItem, MallRedemption

STOCK, SHOPPERS, PRICE = 5, 8, 300


def _race(api) -> tuple[list[tuple[int, str | None]], str, list[str]]:
    with api.client(api.admin_token()) as admin:
        item = goods_item(admin, sku(admin, stock=100), points_price=PRICE, stock=STOCK,
                          per_user_limit=3)
    # each shopper can afford two units but fires three requests: the balance races too
    clients = [shopper(api, points=2 * PRICE) for _ in range(SHOPPERS)]
    start = threading.Barrier(SHOPPERS * 3)

    def go(i: int) -> tuple[int, str | None]:
        client = clients[i % SHOPPERS][0]
        start.wait()
        r = client.post(f"/v1/points-mall/items/{item['id']}/redeem",
                        headers={"Idempotency-Key": uuid.uuid4().hex}, json={})
        return r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None

    with ThreadPoolExecutor(SHOPPERS * 3) as pool:
        results = list(pool.map(go, range(SHOPPERS * 3)))
    return results, item["id"], [uid for _, uid in clients]


def _check(api, results, item_id: str, uids: list[str]) -> None:
    won = [r for r in results if r[0] == 201]
    assert len(won) == STOCK
    assert {code for status, code in results if status != 201} <= {
        "out_of_stock", "insufficient_points"}
    with api.sessions() as s:
        assert s.get(MallItem, item_id).stock_left == 0
        assert s.scalar(select(func.count()).select_from(MallRedemption)) == STOCK
        assert s.scalar(select(func.count()).select_from(Order)) == STOCK
        assert s.scalar(select(func.min(PointsEntry.balance_after))) >= 0
        spent = -s.scalar(select(func.sum(PointsEntry.points)).where(
            PointsEntry.kind == "spend"))
        assert spent == STOCK * PRICE
        assert s.scalar(select(func.sum(MemberAccount.points_balance)).where(
            MemberAccount.user_id.in_(uids))) == len(uids) * 2 * PRICE - STOCK * PRICE
        assert points.check(s) == []


@pytest.fixture
def sqlite_api(tmp_path, redis_server):
    yield from start_api(tmp_path, redis_server.url)


@pytest.fixture
def pg_api(tmp_path, redis_server, postgres_db):
    yield from start_api(tmp_path, redis_server.url, database_url=postgres_db)


def test_the_last_units_go_exactly_once_on_sqlite(sqlite_api):
    _check(sqlite_api, *_race(sqlite_api))


def test_the_last_units_go_exactly_once_on_postgresql(pg_api):
    _check(pg_api, *_race(pg_api))
