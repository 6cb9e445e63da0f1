"""The purchase-intent model's high-potential users published as the automatic tag
`high_intent` (pipelines/serve/bundle_tags.py): set with each bundle, taken off the users a
later bundle drops, and kept by the features publish that rewrites the same hashes."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime

import dagster as dg
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.serve.bundle_tags import publish_bundle_tag
from pipelines.serve.features import build_auto_tags, publish
from pipelines.serve.recommendations import publish_bundle
from transactional_api.tags import keys as tag_keys

TAG = tag_keys.HIGH_INTENT
WHEN = "2026-11-24T10:15:00+00:00"


@pytest.fixture
def client(redis_url):
    c = redis.Redis.from_url(redis_url, decode_responses=True)
    yield c
    c.close()


def _bundle(users: list[str], trained_at: str = WHEN) -> dict:
    return {"version": f"r{uuid.uuid4().hex[:10]}", "trained_at": trained_at,
            "interactions": 1, "lists": {"popular": {"all": [["p1", 1.0]]}},
            "intent": {"sessions": {"s1": 0.9}, "high_potential_users": users,
                       "threshold": 0.5}}


def _field(client, user_id: str):
    raw = client.hget(tag_keys.user_auto_tags(user_id), TAG)
    return None if raw is None else json.loads(raw)


def _warehouse_publish(client, rows: list[tuple[str, str, str]]) -> dict:
    hashes, sets = build_auto_tags(
        {"user_id": u, "tag": t, "tag_value": v, "computed_at": datetime(2026, 11, 23)}
        for u, t, v in rows)
    return publish(client, {}, hashes, {"published_at": "now"}, sets)


def test_a_bundle_tags_its_users_and_the_next_one_untags_the_dropped(client):
    out = publish_bundle(client, _bundle(["u1", "u2"]), ttl_seconds=600)
    assert out["high_potential_users"] == 2
    assert _field(client, "u1") == {"value": "true", "computed_at": WHEN}
    assert client.smembers(tag_keys.tag_members(TAG)) == {"u1", "u2"}

    later = "2026-11-25T10:15:00+00:00"
    out = publish_bundle(client, _bundle(["u2", "u3"], trained_at=later), ttl_seconds=600)
    assert out["untagged_users"] == 1
    assert _field(client, "u1") is None
    assert not client.exists(tag_keys.user_auto_tags("u1"))  # nothing else was in it
    assert _field(client, "u2") == {"value": "true", "computed_at": later}
    assert client.smembers(tag_keys.tag_members(TAG)) == {"u2", "u3"}

    publish_bundle(client, _bundle([]), ttl_seconds=600)  # nobody above the threshold
    assert not client.exists(tag_keys.tag_members(TAG))
    assert _field(client, "u2") is None and _field(client, "u3") is None


def test_a_bundle_without_an_intent_section_leaves_the_tag_alone(client):
    publish_bundle(client, _bundle(["u1"]), ttl_seconds=600)
    bundle = _bundle([])
    del bundle["intent"]
    publish_bundle(client, bundle, ttl_seconds=600)
    assert client.smembers(tag_keys.tag_members(TAG)) == {"u1"}


def test_the_features_publish_keeps_the_tag_and_the_bundle_keeps_the_warehouse_tags(client):
    _warehouse_publish(client, [("u1", "dormant_90d", "true"), ("u2", "rfm_segment", "loyal")])
    publish_bundle(client, _bundle(["u1", "u3"]), ttl_seconds=600)
    # u1 carries both; u3 only the bundle's; u2 only the warehouse's
    assert set(client.hkeys(tag_keys.user_auto_tags("u1"))) == {"dormant_90d", TAG}

    # the next build drops u1's warehouse tag and tags nobody else: u1 and u3 keep high_intent
    counts = _warehouse_publish(client, [("u2", "rfm_segment", "at_risk")])
    assert counts["hashes"] == 1
    assert set(client.hkeys(tag_keys.user_auto_tags("u1"))) == {TAG}
    assert _field(client, "u3") == {"value": "true", "computed_at": WHEN}
    assert client.smembers(tag_keys.tag_members(TAG)) == {"u1", "u3"}
    assert not client.exists(tag_keys.tag_members("dormant_90d"))
    assert json.loads(client.hget(tag_keys.user_auto_tags("u2"), "rfm_segment"))["value"] == \
        "at_risk"

    # and the bundle dropping u1 leaves the warehouse's tags of u2 untouched
    _warehouse_publish(client, [("u1", "dormant_90d", "true"), ("u2", "rfm_segment", "x")])
    publish_bundle(client, _bundle(["u3"]), ttl_seconds=600)
    assert set(client.hkeys(tag_keys.user_auto_tags("u1"))) == {"dormant_90d"}
    assert set(client.hkeys(tag_keys.user_auto_tags("u2"))) == {"rfm_segment"}


def test_only_bundle_owned_tags_can_be_published_this_way(client):
    with pytest.raises(ValueError):
        publish_bundle_tag(client, "dormant_90d", ["u1"], computed_at=WHEN)
    assert not client.exists(tag_keys.user_auto_tags("u1"))


def _consistent(client, carriers: set[str], warehouse: dict[str, set[str]]) -> None:
    """The member set is exactly `carriers`, every carrier has the field, nobody else does,
    and each user's warehouse fields are exactly theirs."""
    assert client.smembers(tag_keys.tag_members(TAG)) == carriers
    everyone = carriers | set(warehouse)
    for key in client.scan_iter(match=tag_keys.user_auto_tags("*")):
        everyone.add(key.rsplit(":", 1)[1])
    for user in everyone:
        fields = set(client.hkeys(tag_keys.user_auto_tags(user)))
        expected = set(warehouse.get(user, set())) | ({TAG} if user in carriers else set())
        assert fields == expected, user


USERS = st.sets(st.sampled_from([f"u{i}" for i in range(8)]), max_size=8)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.booleans(), USERS), min_size=1, max_size=6))
def test_any_sequence_of_both_publishes_leaves_exact_carriers(client, steps):
    client.flushdb()
    carriers: set[str] = set()
    warehouse: dict[str, set[str]] = {}
    for is_bundle, users in steps:
        if is_bundle:
            publish_bundle_tag(client, TAG, users, computed_at=WHEN)
            carriers = set(users)
        else:
            _warehouse_publish(client, [(u, "dormant_90d", "true") for u in users])
            warehouse = {u: {"dormant_90d"} for u in users}
        _consistent(client, carriers, warehouse)


def test_both_publishes_racing_never_lose_a_write(client, redis_url):
    """Threads publish bundles and warehouse builds at once; whichever lands last, the
    tag's carriers are those of the last bundle and the warehouse tags those of the last
    build (a publish that saw the other one move retries)."""
    bundles = [[f"u{i}", f"u{i + 1}"] for i in range(15)]
    builds = [[(f"u{i}", "dormant_90d", "true")] for i in range(15)]
    errors: list[BaseException] = []

    def run(kind: str, items) -> None:
        own = redis.Redis.from_url(redis_url, decode_responses=True)
        try:
            for item in items:
                if kind == "bundle":
                    publish_bundle_tag(own, TAG, item, computed_at=WHEN, attempts=100)
                else:
                    publish_auto = build_auto_tags(
                        {"user_id": u, "tag": t, "tag_value": v,
                         "computed_at": datetime(2026, 11, 23)} for u, t, v in item)
                    publish(own, {}, *publish_auto[:1], {"published_at": "now"},
                            publish_auto[1], attempts=100)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=("bundle", bundles)),
               threading.Thread(target=run, args=("build", builds))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    _consistent(client, set(bundles[-1]), {builds[-1][0][0]: {"dormant_90d"}})


def test_the_bundle_runs_after_the_features_and_audience_reach_after_both():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey("recommendation_bundle")).parent_keys
    assert dg.AssetKey("published_features") in parents
    reach = graph.get(dg.AssetKey("reach_audience_campaigns")).parent_keys
    assert {dg.AssetKey("published_features"), dg.AssetKey("recommendation_bundle")} <= reach
