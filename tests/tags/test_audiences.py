"""Audiences through the API and in_audience: saved rules over a user's level, points,
paid orders and tags (manual from the database, automatic from the published Redis hash);
membership with its sub-rules; size over the users, by tag index or by walking everyone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis

from tests.tags.conftest import emitted, publish_auto_tags, shopper
from transactional_api.core.db import transaction
from transactional_api.members.models import MemberAccount
from transactional_api.orders.models import Order
from transactional_api.tags.audiences import in_audience

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _member(api, user_id: str, level: str, points: int) -> None:
    with transaction(api.sessions) as s:
        s.add(MemberAccount(user_id=user_id, level=level, level_since=T0,
                            points_balance=points, points_debt=0, points_entries=0))


def _orders(api, user_id: str, paid: int, unpaid: int = 0) -> None:
    with transaction(api.sessions) as s:
        for n in range(paid + unpaid):
            s.add(Order(user_id=user_id, status="paid" if n < paid else "cancelled",
                        currency="USD", subtotal_cents=100, total_cents=100,
                        created_at=T0, updated_at=T0, expires_at=T0 + timedelta(hours=1),
                        paid_at=T0 if n < paid else None))


def _tag(admin, name: str) -> None:
    admin.post("/v1/admin/tags", json={"name": name})
    admin.post(f"/v1/admin/tags/{name}/transitions", json={"action": "activate"})


def _audience(admin, rule: dict) -> dict:
    r = admin.post("/v1/admin/audiences", json={"name": f"a-{uuid.uuid4().hex[:8]}",
                                                "rule": rule})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def shop(api, admin, redis_server):
    """Four shoppers: gold with 5 paid orders and 300 points, dormant and wholesale; silver
    with 1 paid order; a regular with 3 paid orders (and 2 unpaid); a newcomer."""
    vip = f"vip_{uuid.uuid4().hex[:6]}"
    _tag(admin, vip)
    users = {name: shopper(api)[1] for name in ("gold", "silver", "regular", "newcomer")}
    _member(api, users["gold"], "gold", 300)
    _member(api, users["silver"], "silver", 50)
    _orders(api, users["gold"], 5)
    _orders(api, users["silver"], 1)
    _orders(api, users["regular"], 3, unpaid=2)
    publish_auto_tags(redis_server.url, users["gold"], {"dormant_90d": "true",
                                                        "rfm_segment": "at_risk"})
    publish_auto_tags(redis_server.url, users["regular"], {"rfm_segment": "champions"})
    admin.put(f"/v1/admin/users/{users['gold']}/tags/{vip}", json={})
    admin.put(f"/v1/admin/users/{users['silver']}/tags/{vip}", json={})
    return users, vip


def _members_of(api, audience_id: str, users: dict) -> set[str]:
    client = redis.Redis.from_url(api.settings.redis_url)
    try:
        with api.sessions() as s:
            return {name for name, uid in users.items()
                    if in_audience(s, client, audience_id, uid, settings=api.settings)}
    finally:
        client.close()


def test_in_audience_reads_every_kind_of_fact(api, admin, shop):
    users, vip = shop
    cases = [
        ({"tag": "dormant_90d"}, {"gold"}),
        ({"tag": "rfm_segment", "eq": "champions"}, {"regular"}),
        ({"tag": vip}, {"gold", "silver"}),
        ({"attr": "level", "eq": "regular"}, {"regular", "newcomer"}),  # non-members too
        ({"attr": "level", "in": ["gold", "silver"]}, {"gold", "silver"}),
        ({"attr": "orders_count", "gt": 2}, {"gold", "regular"}),  # unpaid ones do not count
        ({"attr": "points_balance", "gt": 49}, {"gold", "silver"}),
        ({"and": [{"tag": vip}, {"not": {"tag": "dormant_90d"}}]}, {"silver"}),
        ({"or": [{"tag": "dormant_90d"}, {"attr": "orders_count", "eq": 1}]},
         {"gold", "silver"}),
        ({"not": {"or": [{"tag": vip}, {"tag": "rfm_segment"}]}}, {"newcomer"}),
    ]
    for rule, expected in cases:
        assert _members_of(api, _audience(admin, rule)["id"], users) == expected, rule


def test_membership_names_the_sub_rules(admin, shop):
    users, vip = shop
    rule = {"and": [{"tag": vip}, {"attr": "orders_count", "gt": 3}]}
    audience = _audience(admin, rule)
    got = admin.get(f"/v1/admin/audiences/{audience['id']}/members/{users['silver']}").json()
    assert got["member"] is False and got["version"] == 1
    assert [(s["path"], s["matched"]) for s in got["sub_rules"]] == [
        ("$", False), ("$.and[0]", True), ("$.and[1]", False)]
    assert got["sub_rules"][2]["rule"] == {"attr": "orders_count", "gt": 3}
    gold = admin.get(f"/v1/admin/audiences/{audience['id']}/members/{users['gold']}").json()
    assert gold["member"] is True
    missing = admin.get(f"/v1/admin/audiences/{audience['id']}/members/{uuid.uuid4()}")
    assert missing.json()["error"]["code"] == "user_not_found"
    assert admin.get(f"/v1/admin/audiences/{uuid.uuid4()}/members/{users['gold']}") \
        .json()["error"]["code"] == "audience_not_found"


def test_retired_tags_stop_matching(api, admin, shop):
    users, vip = shop
    audience = _audience(admin, {"tag": vip})
    assert _members_of(api, audience["id"], users) == {"gold", "silver"}
    admin.post(f"/v1/admin/tags/{vip}/transitions", json={"action": "retire"})
    assert _members_of(api, audience["id"], users) == set()


def test_size_by_tag_index_and_by_every_user(api, admin, shop):
    users, vip = shop
    by_tag = _audience(admin, {"and": [{"tag": vip}, {"attr": "level", "eq": "silver"}]})
    size = admin.get(f"/v1/admin/audiences/{by_tag['id']}/size").json()
    # candidates are the tag's two carriers, of whom one is silver
    assert (size["size"], size["evaluated"], size["exact"], size["strategy"],
            size["cached"]) == (1, 2, True, "tag_index", False)
    assert admin.get(f"/v1/admin/audiences/{by_tag['id']}/size").json()["cached"] is True

    everyone = _audience(admin, {"attr": "level", "eq": "regular"})
    size = admin.get(f"/v1/admin/audiences/{everyone['id']}/size").json()
    # every account: the admin and the four shoppers; regular: the admin too (no member
    # account), the regular shopper and the newcomer
    assert (size["size"], size["evaluated"], size["exact"], size["strategy"]) == \
        (3, 5, True, "all_users")


def test_size_is_bounded(api, admin, shop):
    api.settings.tags_audience_size_max_users = 2
    try:
        audience = _audience(admin, {"not": {"tag": "dormant_90d"}})
        size = admin.get(f"/v1/admin/audiences/{audience['id']}/size").json()
        assert (size["evaluated"], size["exact"]) == (2, False)
    finally:
        api.settings.tags_audience_size_max_users = 200_000


def test_updates_bump_the_version_and_refresh_the_size(api, admin, shop):
    users, vip = shop
    audience = _audience(admin, {"tag": vip})
    assert admin.get(f"/v1/admin/audiences/{audience['id']}/size").json()["size"] == 2
    patched = admin.patch(f"/v1/admin/audiences/{audience['id']}",
                          json={"rule": {"tag": "dormant_90d"}, "description": "lapsed"})
    assert (patched.json()["version"], patched.json()["description"]) == (2, "lapsed")
    size = admin.get(f"/v1/admin/audiences/{audience['id']}/size").json()
    assert (size["size"], size["version"], size["cached"]) == (1, 2, False)
    assert _members_of(api, audience["id"], users) == {"gold"}


def test_crud_validation_and_events(api, admin):
    bad = admin.post("/v1/admin/audiences", json={"name": "x", "rule": {"attr": "level",
                                                                          "gt": 1}})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "validation_error")
    assert admin.post("/v1/admin/audiences", json={"name": "y", "rule": {"nope": 1}}) \
        .status_code == 422
    huge = {"or": [{"attr": "level", "in": ["x" * 100] * 50}] * 3}  # past rules.MAX_CHARS
    assert admin.post("/v1/admin/audiences", json={"name": "z", "rule": huge}) \
        .status_code == 422
    audience = _audience(admin, {"or": [{"tag": "dormant_90d"}, {"tag": "price_sensitive"}]})
    dup = admin.post("/v1/admin/audiences", json={"name": audience["name"],
                                                  "rule": {"tag": "vip"}})
    assert (dup.status_code, dup.json()["error"]["code"]) == (409, "audience_exists")
    assert admin.get(f"/v1/admin/audiences/{audience['id']}").json()["rule"] == \
        audience["rule"]
    assert audience["id"] in [a["id"] for a in admin.get("/v1/admin/audiences").json()["items"]]
    assert admin.patch(f"/v1/admin/audiences/{audience['id']}",
                       json={"rule": {"and": []}}).status_code == 422
    assert admin.delete(f"/v1/admin/audiences/{audience['id']}").status_code == 204
    assert admin.get(f"/v1/admin/audiences/{audience['id']}").status_code == 404
    assert admin.delete(f"/v1/admin/audiences/{audience['id']}").status_code == 404

    created = [e["payload"] for e in emitted(api, "audience_created")]
    assert created == [{"audience_id": audience["id"], "name": audience["name"],
                        "rule": '{"or":[{"tag":"dormant_90d"},{"tag":"price_sensitive"}]}',
                        "tags": ["dormant_90d", "price_sensitive"]}]
    assert [e["payload"]["audience_id"] for e in emitted(api, "audience_deleted")] == \
        [audience["id"]]
    assert emitted(api, "audience_updated") == []  # the refused patch wrote nothing
