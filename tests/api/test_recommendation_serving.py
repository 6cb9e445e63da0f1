"""The placement endpoints over HTTP against a published bundle: session-aware lists,
what is never shown (unlisted, out of stock, just bought), fallbacks, and bad input."""

from __future__ import annotations

import uuid

import pytest
import redis

from tests.api.reco_helpers import FRESH, default_lists, ids, make_shop, publish
from tests.conftest import make_settings, register, run_api

ONE_VARIANT = {"A": {"home": ["als", "popular_region", "popular"],
                     "product": ["session_next", "viewed_together", "popular_category",
                                 "popular"],
                     "cart": ["session_next", "fbt", "popular"],
                     "bought_together": ["fbt"]}}


@pytest.fixture
def live(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, **FRESH,
                                     reco_variants=ONE_VARIANT))


@pytest.fixture
def boss(live):
    with live.client(live.admin_token()) as c:
        yield c


def _view(c, session: str, product_id: str) -> None:
    r = c.post("/v1/events", json={"events": [{"event_type": "product_view",
                                               "session_id": session,
                                               "payload": {"product_id": product_id}}]})
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text


def test_product_page_follows_the_session(live, boss, redis_server):
    shop = make_shop(boss, redis_server.url)
    p, session = shop.p, f"s-{uuid.uuid4().hex[:8]}"
    with live.client() as c:
        first = c.get(f"/v1/recommendations/products/{p[0]}",
                      params={"session_key": session}).json()
        assert first["model"] == "session_next" and ids(first) == [p[1]]
        assert first["placement"] == "product" and first["version"] == shop.version
        assert first["variant"] == "A" and len(first["list_id"]) == 32
        assert first["items"][0]["position"] == 1
        _view(c, session, p[3])
        after = c.get(f"/v1/recommendations/products/{p[0]}",
                      params={"session_key": session}).json()
        # the page's own item weighs most, the session's last view next
        assert ids(after) == [p[1], p[4], p[5]]
        assert after["list_id"] != first["list_id"]
        explicit = c.get(f"/v1/recommendations/products/{p[0]}",
                         params={"recent": p[3]}).json()
        assert set(ids(explicit)) == {p[1], p[4], p[5]}
        # an item with no next-item list falls to viewed together, then its category
        assert c.get(f"/v1/recommendations/products/{p[6]}").json()["model"] == \
            "popular_category"
        bt = c.get(f"/v1/recommendations/products/{p[0]}/bought-together").json()
        assert bt["model"] == "fbt" and ids(bt) == [p[3], p[2]]


def test_cart_excludes_its_items_and_uses_the_session(live, boss, redis_server):
    shop = make_shop(boss, redis_server.url)
    p = shop.p
    with live.client() as c:
        r = c.get("/v1/recommendations/cart", params={"items": f"{p[0]},{p[1]}"}).json()
        # p0's next item p1 is in the cart already: the cart falls to bought together
        assert r["model"] == "fbt" and ids(r) == [p[3], p[2]]
        session = f"s-{uuid.uuid4().hex[:8]}"
        _view(c, session, p[3])
        r = c.get("/v1/recommendations/cart",
                  params={"items": f"{p[0]},{p[4]}", "session_key": session}).json()
        # the session's p3 (weight 1) leads to p4 (in the cart) and p5 (0.5); the cart's
        # p0 (weight 1/e) to p1 (0.37)
        assert r["model"] == "session_next" and ids(r) == [p[5], p[1]]


def test_unlisted_and_out_of_stock_are_never_served(live, boss, redis_server):
    shop = make_shop(boss, redis_server.url)
    p = shop.p
    with live.client() as c:
        assert ids(c.get("/v1/recommendations/home", params={"limit": 50}).json())[:2] == \
            [p[0], p[1]]
    boss.put(f"/v1/admin/skus/{shop.sku[0]}/stock", json={"available": 0}).raise_for_status()
    boss.post(f"/v1/admin/products/{p[1]}/transitions",
              json={"action": "delist", "reason": "recalled"}).raise_for_status()
    with live.client() as c:
        home = c.get("/v1/recommendations/home", params={"limit": 50}).json()
        assert home["model"] == "popular"
        assert p[0] not in ids(home) and p[1] not in ids(home) and p[2] in ids(home)
        # the session list of p3 names p4 and p5; out of stock p5 goes, p4 stays
        boss.put(f"/v1/admin/skus/{shop.sku[5]}/stock", json={"available": 0})
        page = c.get(f"/v1/recommendations/products/{p[2]}", params={"recent": p[3]}).json()
        assert ids(page) == [p[4]]
        # a delisted product's page still answers (200), an unknown one is 404
        assert c.get(f"/v1/recommendations/products/{p[1]}").status_code == 200
        r = c.get(f"/v1/recommendations/products/nope-{uuid.uuid4().hex[:6]}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "product_not_found"


def test_signed_in_home_is_personal_without_what_was_just_bought(live, boss, redis_server):
    token = register(live, f"buyer-{uuid.uuid4().hex[:6]}@example.com")
    with live.client(token) as me:
        uid = me.get("/v1/me").json()["id"]

    def lists(s):
        return {**default_lists(s), "als": {uid: [[s.p[2], 0.9], [s.p[5], 0.8]]}}

    shop = make_shop(boss, redis_server.url, lists)
    with live.client(token) as me:
        home = me.get("/v1/recommendations/home").json()
        assert home["model"] == "als" and ids(home)[:2] == [shop.p[2], shop.p[5]]
        order = me.post("/v1/orders", json={"items": [{"sku_id": shop.sku[2], "quantity": 1}]})
        assert order.status_code == 201, order.text
        home = me.get("/v1/recommendations/home").json()
        assert home["model"] == "als" and shop.p[2] not in ids(home)
        assert ids(home)[0] == shop.p[5]
    with live.client() as anon:  # a visitor: popular in the region asked for
        north = anon.get("/v1/recommendations/home", params={"region": "north"}).json()
        assert north["model"] == "popular_region" and ids(north)[:2] == [shop.p[7], shop.p[6]]


def test_home_mixes_in_trending(live, boss, redis_server):
    shop = make_shop(boss, redis_server.url)
    with live.client() as c:
        home = ids(c.get("/v1/recommendations/home", params={"limit": 8}).json())
    # popular is p0..p7; trending p6 takes the 5th slot
    assert home[4] == shop.p[6] and home[:4] == shop.p[:4] and len(home) == 8


def test_bad_parameters_are_4xx(live, boss, redis_server):
    shop = make_shop(boss, redis_server.url)
    with live.client() as c:
        for params in ({"limit": 0}, {"limit": 51}, {"limit": "x"},
                       {"session_key": "bad key!"}):
            assert c.get("/v1/recommendations/home", params=params).status_code == 422, params
        many = ",".join(f"p{i}" for i in range(21))
        for recent in (many, "a,b c", "ok,<script>"):
            r = c.get(f"/v1/recommendations/products/{shop.p[0]}", params={"recent": recent})
            assert r.status_code == 422 and r.json()["error"]["code"] in (
                "invalid_product_ids", "validation_error"), r.text
        assert c.get("/v1/recommendations/products/" + "x" * 65).status_code == 422


def test_nothing_published_and_a_new_version(live, boss, redis_server):
    shop = make_shop(boss, redis_server.url)
    with live.client() as c:
        assert c.get("/v1/recommendations/home").json()["version"] == shop.version
        shop.version = f"{shop.version}-2"
        lists = default_lists(shop)
        lists["popular"]["all"] = [[shop.p[7], 1.0]]
        publish(redis_server.url, shop, lists)
        home = c.get("/v1/recommendations/home").json()
        assert home["version"] == shop.version and ids(home)[0] == shop.p[7]


def test_redis_down_never_answers_500(live, boss, redis_server):
    shop = make_shop(boss, redis_server.url)
    with live.client() as c:
        c.get("/v1/recommendations/home").raise_for_status()  # this process sees popular
        live.app.state.redis = redis.Redis(port=1, socket_connect_timeout=0.2)
        r = c.get("/v1/recommendations/home")
        assert r.status_code == 200
        assert r.json()["model"] == "fallback_popular" and ids(r.json())[0] == shop.p[0]
        assert r.json()["version"] is None
        r = c.get(f"/v1/recommendations/products/{shop.p[0]}")
        assert r.status_code == 200 and r.json()["model"] == "fallback_popular"


def test_redis_down_from_the_start_serves_an_empty_list(tmp_path):
    settings = make_settings(tmp_path / "var", "redis://127.0.0.1:1/0")
    for live in run_api(settings):
        with live.client() as c:
            r = c.get("/v1/recommendations/home")
            assert r.status_code == 200
            assert r.json()["model"] == "unavailable" and r.json()["items"] == []
