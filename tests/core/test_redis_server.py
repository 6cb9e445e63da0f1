from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.conftest import free_port
from transactional_api.core.redis_server import (
    PortBusyError,
    ensure_embedded_redis,
    process_start_time,
    start_embedded_redis,
    start_redis,
)


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


# An owner of the embedded server in its own process, for the test to kill -9.
_OWNER = """
import sys, time
from pathlib import Path
from transactional_api.core.redis_server import ensure_embedded_redis
ensure_embedded_redis(Path(sys.argv[1]), int(sys.argv[2]))
print("up", flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    return process_start_time(pid) is not None  # a zombie has stopped running


def _quick(port: int) -> redis.Redis:
    return redis.Redis(port=port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))


def test_the_embedded_redis_of_a_killed_owner_is_adopted_and_stopped(tmp_path):
    port = free_port()
    owner = subprocess.Popen([sys.executable, "-c", _OWNER, str(tmp_path), str(port)],
                             stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": "."})
    bystander = subprocess.Popen(["sleep", "60"])
    orphan = None
    try:
        assert owner.stdout.readline() == b"up\n"
        orphan = _quick(port).info("server")["process_id"]
        # while its owner lives, the server is shared, not taken over
        assert ensure_embedded_redis(tmp_path, port)[1] is None
        owner.kill()
        owner.wait()
        url, owned = ensure_embedded_redis(tmp_path, port)
        assert owned is not None
        assert _quick(port).info("server")["process_id"] == orphan  # adopted, not replaced
        owned.stop()
        assert not _running(orphan)
        with pytest.raises(redis.ConnectionError):
            _quick(port).ping()

        # a recorded pid that now names another program is never signalled
        (tmp_path / "redis" / "embedded.json").write_text(json.dumps({
            "redis_pid": bystander.pid, "redis_start": process_start_time(bystander.pid),
            "port": port, "owner_pid": owner.pid, "owner_start": "1"}))
        url, owned = ensure_embedded_redis(tmp_path, port)
        assert owned is not None and _quick(port).ping()  # started its own
        owned.stop()
        assert bystander.poll() is None
    finally:
        for proc in (owner, bystander):
            proc.kill()
            proc.wait()
        if orphan and _running(orphan):
            os.kill(orphan, signal.SIGKILL)


def test_the_demo_start_replaces_an_orphan_but_refuses_a_busy_port(tmp_path):
    port = free_port()
    owner = subprocess.Popen([sys.executable, "-c", _OWNER, str(tmp_path), str(port)],
                             stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": "."})
    orphan, fresh = None, None
    try:
        assert owner.stdout.readline() == b"up\n"
        orphan = _quick(port).info("server")["process_id"]
        owner.kill()
        owner.wait()
        fresh = start_embedded_redis(tmp_path, port)
        assert not _running(orphan)
        assert _quick(port).info("server")["process_id"] == fresh.process.pid
        # our own live server is nobody's orphan: a second demo must not take its port
        with pytest.raises(PortBusyError):
            start_embedded_redis(tmp_path, port)
    finally:
        owner.kill()
        owner.wait()
        if fresh is not None:
            fresh.stop()
        if orphan and _running(orphan):
            os.kill(orphan, signal.SIGKILL)
