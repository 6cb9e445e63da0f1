"""Concurrent spends against a live API on SQLite: the balance never goes below zero and
a key spends once, however the requests interleave."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update

from tests.api.payment_helpers import ordered
from tests.conftest import make_settings, register, run_api
from tests.members.conftest import paid_order as _paid
from transactional_api.core.db import transaction
from transactional_api.members import consumer, points
from transactional_api.members.models import MemberAccount, MemberCursor, PointsEntry

SPEND = "/v1/members/me/points/redemptions"


def _funded(api, email: str, amount: int) -> tuple[str, str]:
    token = register(api, email)
    with api.client(token) as c, api.client(api.admin_token()) as admin:
        uid = c.get("/v1/me").json()["id"]
        r = admin.post(f"/v1/admin/members/{uid}/points/adjustments",
                       json={"points": amount, "reason": "race fund"})
        assert r.status_code == 201, r.text
    return token, uid


def _race(api, token: str, bodies: list[tuple[dict, str]]) -> list[int]:
    start = threading.Barrier(len(bodies))

    def go(item) -> int:
        body, key = item
        with api.client(token) as c:
            start.wait()
            return c.post(SPEND, json=body, headers={"Idempotency-Key": key}).status_code

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(go, bodies))


def test_twenty_five_spends_of_ten_race_for_a_hundred_points(api):
    token, uid = _funded(api, "racer@example.com", 100)
    codes = _race(api, token, [({"points": 10, "reason": "race"}, f"k{i}") for i in range(25)])
    assert sorted(codes) == [201] * 10 + [409] * 15
    with api.sessions() as s:
        assert s.get(MemberAccount, uid).points_balance == 0
        assert s.scalar(select(func.sum(PointsEntry.points))
                        .where(PointsEntry.user_id == uid)) == 0
        assert s.scalar(select(func.min(PointsEntry.balance_after))
                        .where(PointsEntry.user_id == uid)) == 0
        assert points.check(s) == []


def test_one_key_sent_ten_times_at_once_spends_once(api):
    token, uid = _funded(api, "replayer@example.com", 100)
    codes = _race(api, token, [({"points": 30, "reason": "race"}, "same")] * 10)
    assert sorted(codes) == [200] * 9 + [201]
    with api.sessions() as s:
        assert s.get(MemberAccount, uid).points_balance == 70


@pytest.fixture
def pg_api(tmp_path, redis_server, postgres_db):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     database_url=postgres_db,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0))


def test_on_postgresql_the_account_row_lock_keeps_spends_within_the_balance(pg_api):
    token, uid = _funded(pg_api, "pg-racer@example.com", 50)
    codes = _race(pg_api, token, [({"points": 10, "reason": "race"}, f"k{i}")
                                  for i in range(12)])
    assert sorted(codes) == [201] * 5 + [409] * 7
    with pg_api.sessions() as s:
        assert s.get(MemberAccount, uid).points_balance == 0
        assert points.check(s) == []


def test_on_postgresql_re_reading_behind_the_cursor_counts_once(pg_api):
    c, order = ordered(pg_api, "pg-earner@example.com", price_cents=3000)
    c.post(f"/v1/orders/{order['id']}/payments", json={"channel": "sandbox"})
    _paid(c, order["id"])
    # on PostgreSQL each pass re-reads up to members_consumer_overlap_rows behind the cursor
    # (2: the order paid, and the operator's first sign-in of the day)
    assert consumer.consume_all(pg_api.sessions, pg_api.settings) == 2
    assert consumer.consume_all(pg_api.sessions, pg_api.settings) == 0
    with transaction(pg_api.sessions) as s:  # and from the very start: still once
        s.execute(update(MemberCursor).values(position=0))
    assert consumer.consume_all(pg_api.sessions, pg_api.settings) == 0
    assert c.get("/v1/members/me").json()["points_balance"] == order["total_cents"] // 100
