"""Publishing a recommendation bundle: versioned keys with a TTL, one atomic pointer switch,
and a failed publish that leaves the previous version serving."""

from __future__ import annotations

import json
import uuid

import pytest
import redis

from pipelines.serve.recommendations import BundleError, publish_bundle
from transactional_api.recommendations import keys


def _bundle(version: str, n_items: int = 3, fill: str = "x") -> dict:
    items = {f"{fill}{i}": [[f"{fill}{j}", 1.0 / (j + 1)] for j in range(3) if j != i]
             for i in range(n_items)}
    return {"version": version, "trained_at": "2026-11-24T10:15:00+00:00",
            "interactions": 42,
            "lists": {"session_next": items, "fbt": items, "viewed_together": items,
                      "als": {"u1": [[f"{fill}2", 0.9]]},
                      "popular": {"all": [[f"{fill}0", 5.0]], "region:north": [[f"{fill}1", 2]]},
                      "trending": [[f"{fill}1", 0.5]]},
            "intent": {"sessions": {"s1": 0.91, "s2": 0.05}, "high_potential_users": ["u1"],
                       "threshold": 0.4}}


@pytest.fixture
def client(redis_url):
    c = redis.Redis.from_url(redis_url, decode_responses=True)
    yield c
    c.close()


def _v() -> str:
    return f"r{uuid.uuid4().hex[:10]}"


def test_publish_writes_every_list_with_a_ttl_then_switches(client):
    v = _v()
    out = publish_bundle(client, _bundle(v), ttl_seconds=3600)
    assert client.get(keys.RECO_CURRENT) == v
    # 3 families x 3 items + 1 als + 2 popular + trending
    assert out["lists"] == 13 and out["previous"] is None
    assert json.loads(client.get(keys.reco_list(v, "session_next", "x0"))) == [
        ["x1", 0.5], ["x2", pytest.approx(1 / 3)]]
    assert json.loads(client.get(keys.reco_list(v, "popular", "region:north"))) == [["x1", 2.0]]
    assert json.loads(client.get(keys.reco_list(v, "als", "u1"))) == [["x2", 0.9]]
    for key in (keys.reco_list(v, "fbt", "x1"), keys.reco_list(v, "trending", "all"),
                keys.intent_sessions(v), keys.intent_high_potential(v), keys.reco_meta(v)):
        assert 3500 < client.ttl(key) <= 3600, key
    assert client.ttl(keys.RECO_CURRENT) == -1  # the pointer itself never expires
    assert float(client.hget(keys.intent_sessions(v), "s1")) == 0.91
    assert client.smembers(keys.intent_high_potential(v)) == {"u1"}


def test_new_version_switches_and_the_old_one_lives_until_its_ttl(client):
    old, new = _v(), _v()
    publish_bundle(client, _bundle(old, fill="a"), ttl_seconds=600)
    out = publish_bundle(client, _bundle(new, fill="b"), ttl_seconds=600)
    assert out["previous"] == old and client.get(keys.RECO_CURRENT) == new
    # a request that read the old pointer a moment ago still finds its lists
    assert json.loads(client.get(keys.reco_list(old, "fbt", "a0")))[0][0] == "a1"
    assert client.ttl(keys.reco_list(old, "fbt", "a0")) > 0


class _FailingPipeline:
    """Passes commands through until the n-th execute, which raises mid-publish."""

    def __init__(self, real, fail_at: int, calls: list):
        self._real, self._fail_at, self._calls = real, fail_at, calls

    def __getattr__(self, name):
        return getattr(self._real, name)

    def execute(self):
        self._calls.append(1)
        if len(self._calls) >= self._fail_at:
            raise redis.ConnectionError("connection lost mid-publish")
        return self._real.execute()


class _FailingClient:
    def __init__(self, real, fail_at: int):
        self._real, self._fail_at, self.calls = real, fail_at, []

    def __getattr__(self, name):
        return getattr(self._real, name)

    def pipeline(self, **kw):
        return _FailingPipeline(self._real.pipeline(**kw), self._fail_at, self.calls)


def test_a_publish_failing_midway_keeps_the_previous_version(client):
    old, broken = _v(), _v()
    publish_bundle(client, _bundle(old), ttl_seconds=600)
    failing = _FailingClient(client, fail_at=2)
    with pytest.raises(redis.ConnectionError):
        publish_bundle(failing, _bundle(broken, n_items=30), ttl_seconds=600, batch=10)
    assert len(failing.calls) == 2  # the first batch went in, the second failed
    assert client.exists(keys.reco_list(broken, "session_next", "x0"))  # partly written
    assert client.get(keys.RECO_CURRENT) == old
    assert client.exists(keys.reco_list(old, "session_next", "x0"))


def test_large_bundle_is_pipelined_in_batches(client):
    v = _v()
    bundle = _bundle(v)
    bundle["lists"]["session_next"] = {f"p{i}": [[f"p{i + 1}", 1.0]] for i in range(5000)}
    out = publish_bundle(client, bundle, ttl_seconds=600, batch=1000)
    assert out["lists"] == 5000 + 6 + 4
    assert json.loads(client.get(keys.reco_list(v, "session_next", "p4999"))) == [["p5000", 1.0]]


def test_lists_are_capped_at_50_and_bad_bundles_refused(client):
    v = _v()
    bundle = _bundle(v)
    bundle["lists"]["trending"] = [[f"t{i}", 100 - i] for i in range(80)]
    publish_bundle(client, bundle, ttl_seconds=600)
    assert len(json.loads(client.get(keys.reco_list(v, "trending", "all")))) == 50
    before = client.get(keys.RECO_CURRENT)
    for bad in ("", "has space", None, "x" * 65, "a:b"):
        with pytest.raises(BundleError):
            publish_bundle(client, {**bundle, "version": bad}, ttl_seconds=600)
    with pytest.raises(BundleError):
        publish_bundle(client, bundle, ttl_seconds=1)
    assert client.get(keys.RECO_CURRENT) == before
