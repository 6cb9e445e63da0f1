"""search_performed events reach the outbox; hot searches come from Redis, failing open."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from tests.conftest import make_settings, register, run_api
from tests.search.conftest import wait_for
from transactional_api.events.contract import any_event_adapter
from transactional_api.events.models import OutboxEvent
from transactional_api.search import keys
from transactional_api.search.events import SearchEventBuffer


def _search_events(live) -> list[dict]:
    with live.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(
            OutboxEvent.event_type == "search_performed"))
        return [json.loads(r) for r in rows]


def test_every_search_lands_one_event_in_the_outbox(seeded):
    live, shop = seeded
    word = f"probe{uuid.uuid4().hex[:8]}"
    token = register(live, f"{word}@example.com")
    with live.client(token, **{"X-Session-Id": f"s-{word}"}) as c:
        assert c.get("/v1/search", params={"q": f"knife {word}"}).status_code == 200
        assert c.get("/v1/search", params={
            "q": word, "category_id": shop.cats["kitchen"], "min_price_cents": 100,
            "max_price_cents": 9_000, "in_stock": "true", "label": "hot",
            "sort": "price_asc"}).status_code == 200
    with live.client(**{"X-Anonymous-Id": f"a-{word}"}) as c:
        assert c.get("/v1/search", params={"q": "knife"}).status_code == 200
        assert c.get("/v1/search", params={"q": "knife", "limit": 0}).status_code == 422

    def mine():
        events = _search_events(live)
        found = [e for e in events if word in e["payload"]["query"]
                 or e.get("anonymous_id") == f"a-{word}"]
        return found if len(found) == 3 else None

    first, second, anonymous = sorted(wait_for(mine, what="three search events"),
                                      key=lambda e: e["occurred_at"])
    for event in (first, second, anonymous):
        any_event_adapter.validate_python(event)  # each one valid against the contract
    me = first["user_id"]
    assert me and first["session_id"] == f"s-{word}" and second["user_id"] == me
    assert first["payload"]["results_count"] == 0
    assert second["payload"] == {
        "query": word, "results_count": 0, "sort": "price_asc",
        "category_id": shop.cats["kitchen"], "brand_id": None, "merchant_id": None,
        "label": "hot", "min_price_cents": 100, "max_price_cents": 9_000, "in_stock": True}
    assert anonymous["user_id"] is None and anonymous["payload"]["results_count"] == 3


def test_the_buffer_is_bounded_and_keeps_events_when_the_database_refuses():
    class Refusing:
        def __call__(self):
            raise RuntimeError("database unavailable")

    buffer = SearchEventBuffer(sessions=Refusing(), capacity=3)
    for i in range(5):
        buffer.add(i)
    assert buffer.dropped == 2
    with pytest.raises(RuntimeError):
        buffer.flush()
    assert buffer._events == [0, 1, 2]  # kept, in order, for the next round


@pytest.fixture
def hot_api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url))


def test_hot_searches_serves_what_the_pipelines_published(hot_api, redis_server):
    import redis

    client = redis.Redis.from_url(redis_server.url)
    published = [{"query": f"q{i}", "searches": 100 - i} for i in range(15)]
    client.set(keys.HOT_SEARCHES, json.dumps(published))
    try:
        with hot_api.client() as c:
            assert c.get("/v1/search/hot").json() == {"items": published[:10]}
            assert c.get("/v1/search/hot", params={"limit": 3}).json()["items"] == \
                published[:3]
            assert c.get("/v1/search/hot", params={"limit": 0}).status_code == 422
            # Entries not in the agreed shape are skipped, not served or failed on.
            client.set(keys.HOT_SEARCHES, json.dumps(
                [{"query": "ok", "searches": 1}, {"query": 3}, "x", {"query": "", "searches": 2},
                 {"query": "flag", "searches": True}]))
            assert c.get("/v1/search/hot").json() == {"items": [{"query": "ok",
                                                                 "searches": 1}]}
            client.set(keys.HOT_SEARCHES, b"not json")
            assert c.get("/v1/search/hot").json() == {"items": []}
            client.delete(keys.HOT_SEARCHES)
            assert c.get("/v1/search/hot").json() == {"items": []}
    finally:
        client.delete(keys.HOT_SEARCHES)
        client.close()


def test_hot_searches_are_empty_when_redis_is_down(tmp_path):
    from tests.conftest import free_port

    settings = make_settings(tmp_path / "var", f"redis://127.0.0.1:{free_port()}/0",
                             redis_socket_timeout_seconds=0.2)
    for live in run_api(settings):
        with live.client() as c:
            r = c.get("/v1/search/hot")
            assert r.status_code == 200 and r.json() == {"items": []}
            assert c.get("/v1/search", params={"q": "anything"}).status_code == 200
