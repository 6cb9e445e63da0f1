"""POST /v1/events under abuse: floods, impossible times, implausible payloads, sloppy types."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis
from sqlalchemy import event, func, select

from tests.conftest import create_product, make_settings, register, run_api
from transactional_api.core.ratelimit import PREFIX
from transactional_api.events import lake, relay
from transactional_api.events.contract import BEHAVIOUR_EVENTS
from transactional_api.events.models import OutboxEvent
from transactional_api.simulator.client import ApiClient

OVERFLOWING = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-01:00"]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _page_views(n: int, **extra) -> list[dict]:
    return [{"event_type": "page_view", "payload": {"page": f"/p/{i}"}, **extra}
            for i in range(n)]


def _outbox_count(api) -> int:
    """Behaviour events stored (the catalog set-up writes its own product and stock events)."""
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.event_type.in_(BEHAVIOUR_EVENTS)))


def _from_own_address(api) -> httpx.Client:
    """A client on a loopback address no other test uses, so its bucket starts full."""
    address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
    return httpx.Client(base_url=api.url, timeout=30,
                        transport=httpx.HTTPTransport(local_address=address))


def _rejected(response) -> dict[int, list[dict]]:
    assert response.status_code == 200, response.text
    return {r["index"]: r["errors"] for r in response.json()["rejected"]}


@pytest.fixture
def limited_api(tmp_path, redis_server):
    # The smallest burst settings allow (one full batch), refilled slowly.
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     events_rate_per_second=0.5, events_burst=500))


# --- (5a) rate limit -------------------------------------------------------------------
def test_flood_gets_429_with_retry_after_and_stores_nothing(limited_api):
    with _from_own_address(limited_api) as c:
        assert c.post("/v1/events", json={"events": _page_views(500)}).json()["accepted"] == 500
        before = _outbox_count(limited_api)
        r = c.post("/v1/events", json={"events": _page_views(50)})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"]["code"] == "rate_limited"
    assert _outbox_count(limited_api) == before == 500


def test_signed_in_shopper_has_a_bucket_apart_from_the_address(limited_api):
    token = register(limited_api, f"bucket-{random.getrandbits(32)}@example.com")
    with _from_own_address(limited_api) as anon:
        assert anon.post("/v1/events", json={"events": _page_views(500)}).status_code == 200
        assert anon.post("/v1/events", json={"events": _page_views(50)}).status_code == 429
        # The same address, signed in: the anonymous bucket being empty does not matter.
        signed_in = {"Authorization": f"Bearer {token}"}
        r = anon.post("/v1/events", json={"events": _page_views(500)}, headers=signed_in)
        assert r.status_code == 200 and r.json()["accepted"] == 500
        r = anon.post("/v1/events", json={"events": _page_views(50)}, headers=signed_in)
        assert r.status_code == 429


def test_simulator_waits_as_retry_after_says(tmp_path, redis_server):
    settings = make_settings(tmp_path / "var", redis_server.url, events_rate_per_second=200,
                             events_burst=500)
    # ApiClient always connects from 127.0.0.1: start that bucket full.
    redis.Redis.from_url(redis_server.url).delete(f"{PREFIX}:events:addr:127.0.0.1")
    for live in run_api(settings):
        with ApiClient(live.url) as client:
            for _ in range(2):  # the second batch needs 2.5 s of refill
                assert client.post("/v1/events",
                                   json={"events": _page_views(500)})["accepted"] == 500
        assert _outbox_count(live) == 1000


# --- (5b, 9) occurred_at window and overflow -----------------------------------------
def test_occurred_at_outside_the_window_is_rejected_item_by_item(api):
    now = datetime.now(UTC)
    late_but_fine = now - timedelta(days=2)
    times = [_iso(now - timedelta(days=4)), _iso(now + timedelta(hours=1)), *OVERFLOWING,
             "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
             _iso(late_but_fine), _iso(now + timedelta(seconds=60))]
    batch = [{"event_type": "page_view", "payload": {"page": "/"}, "occurred_at": t}
             for t in times]
    with api.client() as c:
        r = c.post("/v1/events", json={"events": batch})
    rejected = _rejected(r)
    assert sorted(rejected) == [0, 1, 2, 3, 4, 5]
    for errors in rejected.values():
        assert [e["loc"][-1] for e in errors] == ["occurred_at"]
    assert rejected[0][0]["type"] == rejected[1][0]["type"] == "occurred_at_out_of_range"
    assert rejected[2][0]["type"] == rejected[3][0]["type"] == "datetime_out_of_range"
    assert r.json()["accepted"] == 2 and _outbox_count(api) == 2
    relay.relay_once(sessions=api.sessions, lake_dir=api.settings.resolved_lake_dir,
                     redis_client=None, stream=api.settings.redis_stream, stream_maxlen=10)
    partitions = {p.parent.name for p in lake.landed_files(api.settings.resolved_lake_dir)}
    assert partitions == {f"date={late_but_fine.date()}",
                          f"date={(now + timedelta(seconds=60)).date()}"}


def test_window_follows_the_simulated_clock(tmp_path, redis_server):
    sim_now = datetime(2020, 6, 1, 12, tzinfo=UTC)
    settings = make_settings(tmp_path / "var", redis_server.url, simulated_clock=True)
    batch = [{"event_type": "page_view", "payload": {"page": "/a"},
              "occurred_at": _iso(sim_now - timedelta(hours=1))},
             {"event_type": "page_view", "payload": {"page": "/b"},
              "occurred_at": _iso(datetime.now(UTC))},  # years ahead of the simulation
             {"event_type": "page_view", "payload": {"page": "/c"}}]
    for live in run_api(settings):
        with live.client(**{"X-Flywheel-Clock": _iso(sim_now)}) as c:
            r = c.post("/v1/events", json={"events": batch})
        assert sorted(_rejected(r)) == [1]
        with live.sessions() as s:
            stored = {json.loads(x)["payload"]["page"]: json.loads(x)["occurred_at"]
                      for x in s.scalars(select(OutboxEvent.record))}
    # An event sent without a time happened at the server's (simulated) now.
    assert stored["/c"].startswith("2020-06-01T12:00:00")


def test_contract_reports_overflowing_times_instead_of_crashing():
    from pydantic import BaseModel, ValidationError

    from transactional_api.events.contract import UtcDateTime, any_event_adapter

    class Stamp(BaseModel):
        at: UtcDateTime

    assert Stamp(at="2026-03-01T02:00:00+02:00").at == datetime(2026, 3, 1, tzinfo=UTC)
    for value in OVERFLOWING:
        with pytest.raises(ValidationError) as exc:
            Stamp(at=value)
        assert exc.value.errors()[0]["type"] == "datetime_out_of_range"
        with pytest.raises(ValidationError):
            any_event_adapter.validate_python({
                "event_type": "order_shipped", "occurred_at": value,
                "payload": {"order_id": "o-1"}})


# --- (5c) plausibility against the catalog ------------------------------------------
def test_implausible_product_events_are_rejected_item_by_item(api, admin):
    a = create_product(admin, code="ABUSE-A", skus=2)
    b = create_product(admin, code="ABUSE-B")
    a_sku, b_sku = a["skus"][0]["id"], b["skus"][0]["id"]

    def cart(kind, product, sku, quantity=1):
        return {"event_type": kind, "payload": {"product_id": product, "sku_id": sku,
                                                "quantity": quantity}}

    batch = [
        {"event_type": "product_view", "payload": {"product_id": "no-such-product"}},
        {"event_type": "product_view", "payload": {"product_id": a["id"], "sku_id": b_sku}},
        cart("add_to_cart", a["id"], b_sku),
        cart("add_to_cart", a["id"], a_sku, quantity=5000),
        cart("remove_from_cart", "no-such-product", a_sku),
        cart("add_to_cart", a["id"], "no-such-sku"),
        # plausible ones
        {"event_type": "product_view", "payload": {"product_id": a["id"]}},
        {"event_type": "product_view", "payload": {"product_id": b["id"], "sku_id": b_sku}},
        cart("add_to_cart", a["id"], a["skus"][1]["id"], quantity=1000),
        cart("remove_from_cart", b["id"], b_sku, quantity=2),
    ]
    engine = api.sessions.kw["bind"]
    catalog_queries = []

    def count(conn, cursor, statement, *args):
        if "FROM products" in statement:
            catalog_queries.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with api.client() as c:
            r = c.post("/v1/events", json={"events": batch})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    rejected = _rejected(r)
    assert {i: [(e["loc"], e["type"]) for e in errs] for i, errs in rejected.items()} == {
        0: [(["payload", "product_id"], "unknown_product")],
        1: [(["payload", "sku_id"], "unknown_sku")],
        2: [(["payload", "sku_id"], "unknown_sku")],
        3: [(["payload", "quantity"], "less_than_equal")],
        4: [(["payload", "product_id"], "unknown_product")],
        5: [(["payload", "sku_id"], "unknown_sku")],
    }
    assert r.json()["accepted"] == 4 and _outbox_count(api) == 4
    assert len(catalog_queries) == 1  # one lookup for the batch, not one per event


@pytest.mark.parametrize("bad", ["3", True, 3.0])
def test_integer_fields_are_strict(api, admin, bad):
    product = create_product(admin, code="STRICT-1")
    batch = [
        {"event_type": "add_to_cart", "payload": {
            "product_id": product["id"], "sku_id": product["skus"][0]["id"], "quantity": bad}},
        {"event_type": "search", "payload": {"query": "shoes", "results_count": bad}},
        {"event_type": "checkout_started", "payload": {"item_count": bad,
                                                       "subtotal_cents": 100}},
    ]
    with api.client() as c:
        r = c.post("/v1/events", json={"events": batch})
    rejected = _rejected(r)
    assert sorted(rejected) == [0, 1, 2]
    assert all(errs[0]["type"] == "int_type" for errs in rejected.values())
    assert _outbox_count(api) == 0
