from __future__ import annotations

import redis

from tests.conftest import free_port
from transactional_api.core.redis_server import ensure_embedded_redis, start_redis


def test_embedded_redis_keeps_published_features_across_restarts(tmp_path):
    port = free_port()
    first = start_redis(tmp_path, port)
    redis.Redis.from_url(first.url).set("features", "kept")
    first.stop()
    assert first.process.poll() is not None
    second = start_redis(tmp_path, port)
    try:
        assert redis.Redis.from_url(second.url).get("features") == b"kept"
    finally:
        second.stop()


def test_ensure_embedded_reuses_a_running_server(tmp_path):
    port = free_port()
    url, owned = ensure_embedded_redis(tmp_path, port)
    try:
        assert owned is not None
        again_url, again_owned = ensure_embedded_redis(tmp_path, port)
        assert again_url == url and again_owned is None
    finally:
        owned.stop()
