"""Bad requests are clear 4xx and change nothing: offers refused, seats in groups that
cannot take them, unknown ids, invites of another group, shoppers on operator routes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from tests.conftest import create_product
from tests.group_buys.helpers import (
    LIST_PRICE,
    close_now,
    group_row,
    join,
    offer,
    open_group,
    pay,
    shopper,
    sync,
)
from transactional_api.group_buys.models import GroupBuyGroup


def _code(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


def test_operators_cannot_create_offers_that_break_the_rules(api, admin):
    sku = create_product(admin, price_cents=LIST_PRICE, code="GB-RULES")["skus"][0]["id"]
    now = datetime.now(UTC)
    base = {"sku_id": sku, "group_price_cents": 3000, "group_size": 3, "window_seconds": 3600,
            "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()}
    url = "/v1/admin/group-buys"
    assert _code(admin.post(url, json={**base, "group_price_cents": LIST_PRICE})) == \
        (422, "group_price_not_discounted")
    assert admin.post(url, json={**base, "group_size": 1}).status_code == 422
    assert admin.post(url, json={**base, "group_size": 51}).status_code == 422
    assert admin.post(url, json={**base, "ends_at": base["starts_at"]}).status_code == 422
    assert _code(admin.post(url, json={**base, "sku_id": "no-such-sku"})) == \
        (404, "sku_not_found")
    r = admin.put(f"/v1/admin/price-floors/{sku}", json={"floor_cents": 3500, "basis": "cost"})
    assert r.status_code == 200, r.text
    assert _code(admin.post(url, json=base)) == (422, "under_price_floor")
    assert admin.post(url, json={**base, "group_price_cents": 3500}).status_code == 201
    c = shopper(api, "nosy")
    assert c.post(url, json={**base, "group_price_cents": 3600}).status_code == 403
    assert c.get(url).status_code == 403
    assert [o["group_price_cents"] for o in admin.get(url).json()["items"]] == [3500]


def test_opening_outside_the_offer_window_is_refused(api, admin):
    now = datetime.now(UTC)
    later = offer(admin, starts=now + timedelta(hours=1), ends=now + timedelta(hours=2))
    over = offer(admin, starts=now - timedelta(hours=2), ends=now - timedelta(hours=1))
    c = shopper(api, "early")
    for o in (later, over):
        r = c.post(f"/v1/group-buys/{o['id']}/groups", json={})
        assert _code(r) == (409, "offer_not_active")
    assert c.get("/v1/orders").json()["total"] == 0
    assert _code(c.post("/v1/group-buys/nope/groups", json={})) == (404, "offer_not_found")
    assert _code(c.get("/v1/group-buys/nope")) == (404, "offer_not_found")


def test_seats_refused_twice_in_closed_or_expired_groups_and_with_bad_invites(api, admin):
    o = offer(admin, size=2)
    leader, a, b = shopper(api, "l"), shopper(api, "a"), shopper(api, "b")
    seat = open_group(leader, o["id"])
    gid = seat["group"]["id"]
    assert _code(join(leader, gid)) == (409, "already_member")
    assert _code(leader.post(f"/v1/group-buys/{o['id']}/groups", json={})) == \
        (409, "already_leading")
    other = open_group(a, offer(admin, size=2)["id"])["group"]["id"]
    foreign = a.post(f"/v1/group-buys/groups/{other}/share").json()["token"]
    assert _code(join(b, gid, invite=foreign)) == (422, "invalid_invite")
    assert _code(join(b, gid, invite="no-such-token")) == (422, "invalid_invite")
    assert _code(b.post(f"/v1/group-buys/groups/{gid}/share")) == (409, "not_a_member")
    assert _code(join(b, "no-such-group")) == (404, "group_not_found")
    assert _code(b.get("/v1/group-buys/groups/no-such-group")) == (404, "group_not_found")
    assert group_row(api, gid).seats_taken == 1
    seat_b = join(b, gid).json()
    pay(leader, seat["order_id"])
    pay(b, seat_b["order_id"])
    sync(api)
    assert group_row(api, gid).status == "formed"
    assert _code(join(shopper(api, "late"), gid)) == (409, "group_formed")
    # a failed group, and an open one whose window has passed before the job closed it
    g2 = open_group(shopper(api, "l2"), o["id"])["group"]["id"]
    close_now(api, g2)
    assert _code(join(shopper(api, "late2"), g2)) == (409, "group_failed")
    g3 = open_group(shopper(api, "l3"), o["id"])["group"]["id"]
    with api.sessions() as s, s.begin():
        s.execute(update(GroupBuyGroup).where(GroupBuyGroup.id == g3).values(
            closes_at=datetime.now(UTC) - timedelta(seconds=1)))
    r = join(shopper(api, f"late3-{uuid.uuid4().hex[:4]}"), g3)
    assert _code(r) == (409, "group_expired")
    assert group_row(api, g3).seats_taken == 1
