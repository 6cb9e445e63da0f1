"""The intent model's `high_intent` tag, published with the recommendation bundle, works as
an automatic tag: defined and active, served on /v1/me, and audiences over it (in_audience
and the admin membership view) follow each bundle."""

from __future__ import annotations

import uuid

import redis

from pipelines.serve.recommendations import publish_bundle
from tests.tags.conftest import shopper
from tests.tags.test_audience_check import _ask
from tests.tags.test_audiences import _audience

TRAINED = "2026-11-24T10:15:00+00:00"


def _publish(redis_url: str, users: list[str]) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        publish_bundle(client, {
            "version": f"r{uuid.uuid4().hex[:10]}", "trained_at": TRAINED, "interactions": 1,
            "lists": {"popular": {"all": [["p1", 1.0]]}},
            "intent": {"sessions": {}, "high_potential_users": users, "threshold": 0.5}},
            ttl_seconds=600)
    finally:
        client.close()


def test_the_tag_is_defined_automatic_and_active(api, admin):
    got = {t["name"]: t for t in admin.get("/v1/admin/tags?kind=automatic").json()["items"]}
    assert got["high_intent"]["status"] == "active"
    # only the model puts it on shoppers
    _, uid = shopper(api)
    r = admin.put(f"/v1/admin/users/{uid}/tags/high_intent", json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "tag_not_manual"


def test_an_audience_on_the_tag_follows_each_bundle(api, admin, redis_server):
    (token_a, a), (_, b), (_, c) = shopper(api), shopper(api), shopper(api)
    _publish(redis_server.url, [a, b])
    audience = _audience(admin, {"tag": "high_intent"})["id"]
    assert _ask(api, audience, a) and _ask(api, audience, b)
    assert not _ask(api, audience, c)
    member = admin.get(f"/v1/admin/audiences/{audience}/members/{c}")
    assert member.status_code == 200 and member.json()["member"] is False

    with api.client(token_a) as me:
        served = {t["name"]: t for t in me.get("/v1/me").json()["user_tags"]}
    assert served["high_intent"]["value"] == "true"
    assert served["high_intent"]["kind"] == "automatic"

    # the next bundle no longer scores a high: a leaves the audience, c joins it
    _publish(redis_server.url, [b, c])
    assert not _ask(api, audience, a, tags_audience_cache_seconds=0)
    assert _ask(api, audience, c, tags_audience_cache_seconds=0)
    assert _ask(api, audience, b, tags_audience_cache_seconds=0)

    # combined with other facts like any tag
    narrower = _audience(admin, {"and": [{"tag": "high_intent"},
                                         {"not": {"attr": "orders_count", "gt": 0}}]})["id"]
    assert _ask(api, narrower, c) and not _ask(api, narrower, a)


def test_a_retired_tag_matches_nobody(api, admin, redis_server):
    _, a = shopper(api)
    _publish(redis_server.url, [a])
    audience = _audience(admin, {"tag": "high_intent"})["id"]
    assert _ask(api, audience, a, tags_audience_cache_seconds=0)
    r = admin.post("/v1/admin/tags/high_intent/transitions", json={"action": "retire"})
    assert r.status_code == 200, r.text
    assert not _ask(api, audience, a, tags_audience_cache_seconds=0)
