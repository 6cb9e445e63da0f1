"""The placement endpoints carry the session's purchase probability from the serving
bundle's intent model (`intent`), read with the lists; null when unscored or unknown."""

from __future__ import annotations

import uuid

import redis

from pipelines.serve.recommendations import publish_bundle
from tests.api.reco_helpers import default_lists, ids, make_shop
from tests.api.test_recommendation_serving import boss, live  # noqa: F401 (fixtures)


def _publish_with_intent(redis_url: str, shop, version: str, sessions: dict) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        publish_bundle(client, {"version": version, "lists": default_lists(shop),
                                "interactions": 1,
                                "intent": {"sessions": sessions, "threshold": 0.5,
                                           "high_potential_users": []}}, ttl_seconds=600)
    finally:
        client.close()


def test_every_placement_carries_the_sessions_intent(live, boss, redis_server):  # noqa: F811
    shop = make_shop(boss, redis_server.url)
    p = shop.p
    hot, cold, unknown = (f"s-{uuid.uuid4().hex[:8]}" for _ in range(3))
    version = f"{shop.version}-i"
    _publish_with_intent(redis_server.url, shop, version, {hot: 0.8125, cold: 0.03})
    with live.client() as c:
        # the session's own recent items are read in the same pipeline: both come back
        c.post("/v1/events", json={"events": [{"event_type": "product_view",
                                               "session_id": hot,
                                               "payload": {"product_id": p[3]}}]})
        product = c.get(f"/v1/recommendations/products/{p[0]}",
                        params={"session_key": hot}).json()
        assert product["version"] == version and product["intent"] == 0.8125
        assert ids(product) == [p[1], p[4], p[5]]  # the session still steers the list
        cart = c.get("/v1/recommendations/cart", params={
            "session_key": cold, "items": p[0], "recent": p[3]}).json()
        assert cart["intent"] == 0.03
        home = c.get("/v1/recommendations/home", params={"session_key": hot}).json()
        assert home["intent"] == 0.8125
        bought = c.get(f"/v1/recommendations/products/{p[0]}/bought-together",
                       params={"session_key": cold}).json()
        assert bought["intent"] == 0.03 and bought["model"] == "fbt"
        # a session the model did not score, and a request with no session
        assert c.get("/v1/recommendations/home",
                     params={"session_key": unknown}).json()["intent"] is None
        assert c.get("/v1/recommendations/home").json()["intent"] is None

        # the next version scores only the cold session: intent follows the pointer
        _publish_with_intent(redis_server.url, shop, f"{version}-2", {cold: 0.6})
        assert c.get("/v1/recommendations/home",
                     params={"session_key": hot}).json()["intent"] is None
        assert c.get("/v1/recommendations/home",
                     params={"session_key": cold}).json()["intent"] == 0.6


def test_redis_down_serves_no_intent(live, boss, redis_server):  # noqa: F811
    shop = make_shop(boss, redis_server.url)
    session = f"s-{uuid.uuid4().hex[:8]}"
    _publish_with_intent(redis_server.url, shop, f"{shop.version}-i", {session: 0.9})
    with live.client() as c:
        assert c.get("/v1/recommendations/home",
                     params={"session_key": session}).json()["intent"] == 0.9
        live.app.state.redis = redis.Redis(port=1, socket_connect_timeout=0.2)
        r = c.get("/v1/recommendations/home", params={"session_key": session})
        assert r.status_code == 200 and r.json()["intent"] is None
        assert r.json()["model"] == "fallback_popular"
