"""The growth plays go through the same risk checks as any order: a group seat and a
points-mall redemption are order placements, and a flash-sale pass is an order in waiting
(its order is made later by a worker, with no request left to check). A refusal writes
nothing but its decision."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.flash_sales.conftest import schedule
from tests.group_buys.helpers import offer, open_group
from tests.points_mall import mall_helpers as mall
from tests.risk.conftest import decisions, device, shopper
from transactional_api.group_buys.models import GroupBuyGroup
from transactional_api.orders.models import Order
from transactional_api.risk.limits import Limit

# the second action from one device in an hour is blocked
SECOND_BLOCKED = Limit(challenge_at=0, block_at=2)


def _orders_of(api, user_id: str) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Order).where(Order.user_id == user_id))


def test_a_group_seat_from_a_blocked_device_is_refused_and_takes_no_seat(risk_api):
    api = risk_api(per_device_hour=SECOND_BLOCKED)
    one_phone = device()
    leader, friend = shopper(api, **one_phone), shopper(api, **one_phone)
    with api.client(api.admin_token()) as admin:
        group = open_group(leader, offer(admin, size=3)["id"])["group"]
    r = friend.post(f"/v1/group-buys/groups/{group['id']}/join", json={})
    assert r.status_code == 403 and r.json()["error"]["code"] == "risk_blocked", r.text
    with api.sessions() as s:
        assert s.get(GroupBuyGroup, group["id"]).seats_taken == 1
    assert _orders_of(api, friend.get("/v1/me").json()["id"]) == 0
    assert [(d.action, d.outcome) for d in decisions(api)] == [("place_order", "block")]
    # another device is not held back by that one
    other = shopper(api, **device())
    assert other.post(f"/v1/group-buys/groups/{group['id']}/join", json={}).status_code == 201


def test_a_points_mall_redemption_from_a_blocked_device_spends_nothing(risk_api):
    api = risk_api(per_device_hour=SECOND_BLOCKED)
    with api.client(api.admin_token()) as admin:
        item = mall.goods_item(admin, mall.sku(admin), points_price=500, per_user_limit=3)
    client, uid = mall.shopper(api, points=2_000)
    one_phone = device()
    client.headers.update(one_phone)
    assert mall.redeem(client, item["id"]).status_code == 201
    r = mall.redeem(client, item["id"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "risk_blocked", r.text
    assert mall.balance(client) == 1_500  # only the first redemption's points
    assert _orders_of(api, uid) == 1
    with api.client(api.admin_token()) as admin:
        left = admin.get(f"/v1/admin/points-mall/items/{item['id']}").json()["stock_left"]
    assert left == item["stock_left"] - 1


def test_a_flash_pass_is_refused_to_a_blocked_device(risk_api):
    api = risk_api(per_device_hour=Limit(challenge_at=0, block_at=1))
    with api.client(api.admin_token()) as admin:
        sku = mall.sku(admin, price_cents=2_000)
        sale = schedule(admin, sku, starts_in=600, arm=False)
    flagged = shopper(api, **device())
    r = flagged.post(f"/v1/flash-sales/{sale['id']}/pass")
    assert r.status_code == 403 and r.json()["error"]["code"] == "risk_blocked", r.text
    assert [(d.action, d.outcome) for d in decisions(api)] == [("place_order", "block")]
    # a shopper the rules allow gets one
    assert shopper(api).post(f"/v1/flash-sales/{sale['id']}/pass").status_code == 200
