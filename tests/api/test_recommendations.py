from __future__ import annotations

import json
import uuid

import redis

from tests.conftest import make_settings, register, run_api
from transactional_api.recommendations import keys


def test_item_then_user_then_popular_fallback(api, redis_server):
    r = redis.Redis.from_url(redis_server.url)
    a, b, c, d = (f"p-{uuid.uuid4().hex[:8]}" for _ in range(4))
    r.set(keys.POPULAR, json.dumps([[a, 1.0], [b, 0.8], [c, 0.5], [d, 0.2]]))
    r.set(keys.item_recos(a), json.dumps([[b, 0.9], [c, 0.5]]))
    token = register(api, "known@example.com")
    with api.client(token) as me:
        r.set(keys.user_recos(me.get("/v1/me").json()["id"]), json.dumps([[d, 0.7]]))
        user = me.get("/v1/recommendations").json()
        assert user["source"] == "user" and user["items"][0]["product_id"] == d
    with api.client(register(api, "cold@example.com")) as cold:
        unknown = cold.get("/v1/recommendations", params={"product_id": b, "limit": 10}).json()
    with api.client() as client:
        item = client.get("/v1/recommendations", params={"product_id": a, "limit": 1}).json()
        assert item == {"source": "item", "items": [{"product_id": b, "score": 0.9}]}
        assert unknown["source"] == "popular"
        assert [i["product_id"] for i in unknown["items"]] == [a, c, d]  # never the seed item
        assert client.get("/v1/recommendations", params={"limit": 0}).status_code == 422


def test_personal_lists_are_for_their_owner_only(api, redis_server):
    owner = register(api, "owner@example.com")
    with api.client(owner) as c:
        owner_id = c.get("/v1/me").json()["id"]
    secret = f"p-{uuid.uuid4().hex[:8]}"
    redis.Redis.from_url(redis_server.url).set(keys.user_recos(owner_id),
                                               json.dumps([[secret, 1.0]]))
    with api.client() as anonymous:
        r = anonymous.get("/v1/recommendations", params={"user_id": owner_id})
        assert r.status_code == 403 and secret not in r.text
    with api.client(register(api, "snoop@example.com")) as other:
        r = other.get("/v1/recommendations", params={"user_id": owner_id})
        assert r.status_code == 403 and secret not in r.text
        assert secret not in other.get("/v1/recommendations").text
    with api.client(owner) as c:
        assert c.get("/v1/recommendations", params={"user_id": owner_id}).json()["items"][0][
            "product_id"] == secret
    with api.client(api.admin_token()) as admin:  # operators may look, e.g. to debug a list
        assert admin.get("/v1/recommendations", params={"user_id": owner_id}).json()[
            "source"] == "user"


def test_me_shows_published_tags(api, redis_server):
    token = register(api, "tagged@example.com")
    with api.client(token) as client:
        me = client.get("/v1/me").json()
        redis.Redis.from_url(redis_server.url).hset(
            keys.user_tags(me["id"]), mapping={"rfm_segment": "champions", "frequency": "4"})
        assert client.get("/v1/me").json()["tags"] == {"rfm_segment": "champions",
                                                       "frequency": "4"}


def test_redis_outage_degrades_gracefully(tmp_path):
    settings = make_settings(tmp_path / "var", "redis://127.0.0.1:1/0")
    for live in run_api(settings):
        token = register(live, "outage@example.com")
        with live.client(token) as client:
            r = client.get("/v1/recommendations", params={"product_id": "p"})
            assert r.status_code == 503
            assert r.json()["error"]["code"] == "features_unavailable"
            assert client.get("/v1/me").json()["tags"] == {}  # profile still answers
