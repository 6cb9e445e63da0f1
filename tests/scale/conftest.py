"""API processes for the scale-path tests (PostgreSQL comes from tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, free_port


def start_api_process(
    var_dir: Path, database_url: str, redis_url: str, *, start_timeout: float = 60,
    **env_overrides: str
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "FLYWHEEL_VAR_DIR": str(var_dir), "FLYWHEEL_DATABASE_URL": database_url,
           "FLYWHEEL_REDIS_URL": redis_url, "FLYWHEEL_ADMIN_EMAIL": ADMIN_EMAIL,
           "FLYWHEEL_ADMIN_PASSWORD": ADMIN_PASSWORD, "FLYWHEEL_RELAY_INTERVAL_SECONDS": "0.2",
           "FLYWHEEL_SANDBOX_CALLBACK_DELAY_SECONDS": "0",
           "FLYWHEEL_PAYMENT_SANDBOX_ENABLED": "true",
           "FLYWHEEL_API_URL": f"http://127.0.0.1:{port}",
           # replicas on other machines share the secret by configuration, not by var/
           "FLYWHEEL_PAYMENT_WEBHOOK_SECRET": "scale-test-webhook-secret-0123456789",
           "FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT": "100000", **env_overrides}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "transactional_api.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"API process exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("API process did not start")
