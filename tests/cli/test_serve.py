from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import redis

from tests.conftest import free_port


def test_serve_starts_and_stops_its_embedded_redis(tmp_path):
    api_port, redis_port = free_port(), free_port()
    env = {**os.environ, "FLYWHEEL_VAR_DIR": str(tmp_path / "var"),
           "FLYWHEEL_REDIS_PORT": str(redis_port)}
    env.pop("FLYWHEEL_REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "transactional_api.cli.main", "serve", "--port", str(api_port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    embedded = redis.Redis(port=redis_port, socket_connect_timeout=0.5)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{api_port}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "API never came up"
            time.sleep(0.2)
        assert embedded.ping()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    try:
        embedded.ping()
        raise AssertionError("the embedded redis-server outlived `flywheel serve`")
    except redis.ConnectionError:
        pass
