"""Many shoppers claiming one template at once through the API: exactly total_limit coupons
are issued overall and never more than per_user_limit to anyone; a code redeemed by two
shoppers at once goes to exactly one of them."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.pricing.coupon_helpers import T0, at, shopper, start_api, template
from transactional_api.pricing.coupon_models import Coupon

USERS, TRIES, TOTAL, PER_USER = 6, 5, 10, 3


@pytest.fixture
def api(tmp_path, redis_server):
    yield from start_api(tmp_path, redis_server.url)


def test_parallel_claims_hold_the_total_and_per_user_limits(api, admin):
    t = template(admin, total_limit=TOTAL, per_user_limit=PER_USER)
    users = [shopper(api) for _ in range(USERS)]
    barrier = threading.Barrier(USERS * TRIES)

    def attempt(job: int) -> tuple[str, int, str | None]:
        client, uid = users[job % USERS]
        barrier.wait()
        r = client.post(f"/v1/coupons/templates/{t['id']}/claim", headers=at(T0))
        return uid, r.status_code, None if r.status_code == 201 else r.json()["error"]["code"]

    with ThreadPoolExecutor(USERS * TRIES) as pool:
        results = list(pool.map(attempt, range(USERS * TRIES)))
    won = Counter(uid for uid, status, _ in results if status == 201)
    assert sum(won.values()) == TOTAL
    assert max(won.values()) <= PER_USER
    assert {code for _, status, code in results if status != 201} <= {
        "coupon_sold_out", "coupon_limit_reached", }
    assert all(status in (201, 409) for _, status, _ in results)
    with api.sessions() as s:
        rows = Counter(s.scalars(select(Coupon.user_id).where(Coupon.template_id == t["id"])))
    assert rows == won
    assert admin.get(f"/v1/admin/coupon-templates/{t['id']}").json()["issued_count"] == TOTAL


def test_one_code_two_shoppers_at_once(api, admin):
    t = template(admin, claimable=False)
    for _ in range(3):
        code = admin.post(f"/v1/admin/coupon-templates/{t['id']}/codes",
                          json={"count": 1}).json()["codes"][0]
        pair = [shopper(api)[0] for _ in range(2)]
        barrier = threading.Barrier(2)

        def redeem(client, code=code, barrier=barrier):
            barrier.wait()
            return client.post("/v1/me/coupons/redeem-code", json={"code": code},
                               headers=at(T0)).status_code

        with ThreadPoolExecutor(2) as pool:
            assert sorted(pool.map(redeem, pair)) == [201, 409]
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Coupon)
                        .where(Coupon.template_id == t["id"])) == 3
