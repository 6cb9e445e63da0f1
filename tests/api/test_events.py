from __future__ import annotations

import json
import uuid
from unittest import mock

import pytest
import redis
from sqlalchemy import func, select

from tests.conftest import create_product, make_settings, register, run_api
from transactional_api.events import lake, relay
from transactional_api.events.contract import BEHAVIOUR_EVENTS
from transactional_api.events.models import OutboxEvent


def _relay(api, client=None):
    return relay.relay_once(sessions=api.sessions, lake_dir=api.settings.resolved_lake_dir,
                            redis_client=client, stream=api.settings.redis_stream,
                            stream_maxlen=1000)


def _landed(api) -> list[dict]:
    rows = []
    for path in lake.landed_files(api.settings.resolved_lake_dir):
        rows += [json.loads(line) for line in path.read_text().splitlines()]
    return rows


def test_batch_reports_invalid_items_and_stores_valid_ones(api, admin):
    token = register(api, "ev@example.com")
    product_id = create_product(admin)["id"]
    good_id = str(uuid.uuid4())
    batch = [
        {"event_id": good_id, "event_type": "product_view", "anonymous_id": "anon-1",
         "session_id": "s-1", "payload": {"product_id": product_id},
         "context": {"utm_source": "google", "utm_medium": "cpc", "device": "mobile"},
         "user_id": "someone-else"},
        {"event_type": "add_to_cart", "payload": {"product_id": "p1", "sku_id": "s",
                                                  "quantity": -1}},
        {"event_type": "order_paid", "payload": {}},  # clients may not send order events
        {"event_type": "search", "payload": {"query": "shoes", "results_count": 3},
         "occurred_at": "2026-01-01T10:00:00"},  # naive time is refused
        "not an object",
    ]
    with api.client(token) as c:
        r = c.post("/v1/events", json={"events": batch})
        me = c.get("/v1/me").json()
    assert r.status_code == 200
    assert r.json()["accepted"] == 1
    assert [x["index"] for x in r.json()["rejected"]] == [1, 2, 3, 4]
    with api.sessions() as s:
        stored = [json.loads(x) for x in s.scalars(select(OutboxEvent.record).where(
            OutboxEvent.event_type.in_(BEHAVIOUR_EVENTS)))]
    assert len(stored) == 1 and stored[0]["event_id"] == good_id
    assert stored[0]["user_id"] == me["id"]  # identity comes from the token, not the body
    assert stored[0]["context"]["utm_source"] == "google"


def test_resent_batch_is_stored_once(api):
    event = {"event_id": str(uuid.uuid4()), "event_type": "page_view", "payload": {"page": "/"}}
    with api.client() as c:
        for _ in range(2):
            assert c.post("/v1/events", json={"events": [event, event]}).json()["accepted"] == 2
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEvent)) == 1


@pytest.mark.parametrize("body", [{"events": []}, {"events": "x"}, {}, []])
def test_malformed_batches_are_4xx(api, body):
    with api.client() as c:
        assert c.post("/v1/events", json=body).status_code == 422


def test_relay_lands_and_streams_every_event_once(api, redis_server):
    client = redis.Redis.from_url(redis_server.url)
    client.delete(api.settings.redis_stream)
    with api.client() as c:
        events = [{"event_type": "page_view", "payload": {"page": f"/p/{i}"}} for i in range(5)]
        events.append({"event_type": "search", "payload": {"query": "q", "results_count": 0}})
        c.post("/v1/events", json={"events": events})
    assert _relay(api, client) == 6
    assert _relay(api, client) == 0  # nothing left to publish
    landed = _landed(api)
    assert sorted(e["event_type"] for e in landed) == ["page_view"] * 5 + ["search"]
    streamed = client.xrange(api.settings.redis_stream)
    assert {json.loads(f[b"record"])["event_id"] for _, f in streamed} == {
        e["event_id"] for e in landed}
    folders = {p.parent.parent.name for p in lake.landed_files(api.settings.resolved_lake_dir)}
    assert folders == {"page_view", "search"}


@pytest.fixture
def quiet_api(tmp_path, redis_server):
    """No background writers to the outbox: the members consumer and reach would add their
    own events (a sign-in reward, say) whenever a slow request lets their timer fire."""
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     reach_interval_seconds=0,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0))


def test_crash_after_landing_republishes_and_loses_nothing(quiet_api):
    api = quiet_api
    with api.client(api.admin_token()) as admin:
        sku = create_product(admin)["skus"][0]["id"]
    _relay(api)  # the catalog's own events (product listed, stock received) land first
    setup = {e["event_id"] for e in _landed(api)}
    with api.client(register(api, "crash@example.com")) as c:
        c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}).raise_for_status()
    # The process dies after landing the batch but before stamping it published.
    with mock.patch.object(relay, "update", side_effect=RuntimeError("crash")), \
            pytest.raises(RuntimeError):
        _relay(api)

    def new() -> list[dict]:
        return [e for e in _landed(api) if e["event_id"] not in setup]

    # the order and its stock hold, committed together, land together
    # (and the shopper's sign-up, committed before the order)
    assert sorted(e["event_type"] for e in new()) == ["order_created", "stock_moved",
                                                      "sub_order_created", "user_registered"]
    assert _relay(api) == 4  # republished after the "restart"
    landed = new()
    assert len(landed) == 8 and len({e["event_id"] for e in landed}) == 4  # dedupe by event_id


def test_relay_without_redis_still_lands(api):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    with api.client() as c:
        c.post("/v1/events", json={"events": [{"event_type": "page_view",
                                                "payload": {"page": "/"}}]})
    assert _relay(api, dead) == 1
    assert len(_landed(api)) == 1
