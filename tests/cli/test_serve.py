from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.conftest import free_port
from transactional_api.core.redis_server import process_start_time


def _serve(var: Path, api_port: int, redis_port: int) -> subprocess.Popen:
    env = {**os.environ, "FLYWHEEL_VAR_DIR": str(var), "FLYWHEEL_REDIS_PORT": str(redis_port)}
    env.pop("FLYWHEEL_REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "transactional_api.cli.main", "serve", "--port", str(api_port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{api_port}/healthz").status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise AssertionError("API never came up")
        time.sleep(0.2)


def _quick(port: int) -> redis.Redis:
    return redis.Redis(port=port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))


def _assert_gone(redis_port: int) -> None:
    try:
        _quick(redis_port).ping()
        raise AssertionError("the embedded redis-server outlived `flywheel serve`")
    except redis.ConnectionError:
        pass


def test_serve_starts_and_stops_its_embedded_redis(tmp_path):
    redis_port = free_port()
    proc = _serve(tmp_path / "var", free_port(), redis_port)
    try:
        assert _quick(redis_port).ping()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    _assert_gone(redis_port)


def test_serve_stops_the_redis_a_killed_serve_left_behind(tmp_path):
    var, redis_port = tmp_path / "var", free_port()
    procs, orphan = [], None
    try:
        procs.append(_serve(var, free_port(), redis_port))
        orphan = _quick(redis_port).info("server")["process_id"]
        procs[0].kill()
        procs[0].wait()
        assert _quick(redis_port).ping()  # orphaned: nobody will stop it
        procs.append(_serve(var, free_port(), redis_port))
        procs[1].send_signal(signal.SIGTERM)
        procs[1].wait(30)
        assert process_start_time(orphan) is None
        _assert_gone(redis_port)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        if orphan and process_start_time(orphan) is not None:
            os.kill(orphan, signal.SIGKILL)
