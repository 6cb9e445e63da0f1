"""Shoppers placing orders paid partly with points, all at once from one balance, on SQLite
and PostgreSQL: the balance never goes below zero, exactly the affordable orders exist,
and the losers wrote nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.conftest import create_product, make_settings, register, run_api
from transactional_api.members import points
from transactional_api.members.models import MemberAccount, PointsEntry
from transactional_api.orders.models import Order


def _race(api, *, fund: int, spend: int, shoppers: int) -> tuple[list[int], str]:
    with api.client(api.admin_token()) as admin:
        sku = create_product(admin, price_cents=2000, stock=100, code="RACE")["skus"][0]["id"]
        token = register(api, "points-racer@example.com")
        with api.client(token) as c:
            uid = c.get("/v1/me").json()["id"]
        assert admin.post(f"/v1/admin/members/{uid}/points/adjustments", json={
            "points": fund, "reason": "race"}).status_code == 201
    start = threading.Barrier(shoppers)

    def place(i: int) -> int:
        with api.client(token) as c:
            start.wait()
            r = c.post("/v1/orders", headers={"Idempotency-Key": f"race-{i}"}, json={
                "items": [{"sku_id": sku, "quantity": 1}], "points_to_spend": spend})
            if r.status_code == 409:
                assert r.json()["error"]["code"] == "insufficient_points"
            return r.status_code

    with ThreadPoolExecutor(shoppers) as pool:
        return list(pool.map(place, range(shoppers))), uid


def _check(api, uid: str, codes: list[int], *, fund: int, spend: int) -> None:
    won = fund // spend
    assert sorted(codes) == [201] * won + [409] * (len(codes) - won)
    with api.sessions() as s:
        assert s.get(MemberAccount, uid).points_balance == fund - won * spend
        assert s.scalar(select(func.sum(PointsEntry.points))
                        .where(PointsEntry.user_id == uid)) == fund - won * spend
        assert s.scalar(select(func.min(PointsEntry.balance_after))
                        .where(PointsEntry.user_id == uid)) >= 0
        assert s.scalar(select(func.count()).select_from(Order)) == won
        assert s.scalar(select(func.sum(Order.points_spent))) == won * spend
        assert points.check(s) == []


@pytest.fixture
def sqlite_api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0))


@pytest.fixture
def pg_api(tmp_path, redis_server, postgres_db):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     database_url=postgres_db,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0))


def test_concurrent_checkouts_never_overspend_points_on_sqlite(sqlite_api):
    codes, uid = _race(sqlite_api, fund=1000, spend=300, shoppers=12)
    _check(sqlite_api, uid, codes, fund=1000, spend=300)


def test_concurrent_checkouts_never_overspend_points_on_postgresql(pg_api):
    codes, uid = _race(pg_api, fund=1000, spend=300, shoppers=12)
    _check(pg_api, uid, codes, fund=1000, spend=300)
