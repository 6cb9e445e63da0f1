"""What a bench measures when not given --api: a fresh API process on a fresh var dir.

The API runs as its own uvicorn process (with its own embedded redis-server) so the load
client never shares its interpreter; both still share the machine's cores.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from transactional_api.cli.processes import Supervisor, python_module, wait_http
from transactional_api.core.redis_server import start_redis

ADMIN = {"email": "bench-admin@flywheel.local", "password": "bench-admin-password"}


@dataclass
class BenchApi:
    url: str
    admin_token: str
    var: Path | None = None  # the fresh var dir this bench started the API on
    redis_url: str | None = None  # the API's Redis, when this bench started it

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60,
                            headers={"Authorization": f"Bearer {self.admin_token}"})

    def product(self, *, stock: int = 1000, price_cents: int = 100) -> dict:
        run = uuid.uuid4().hex[:8]
        with self.admin() as c:
            category = c.post("/v1/admin/categories", json={
                "name": f"Bench {run}", "slug": f"bench-{run}"}).raise_for_status().json()
            return c.post("/v1/admin/products", json={
                "category_id": category["id"], "name": f"Bench item {run}",
                "skus": [{"code": f"BENCH-{run}", "name": "one", "price_cents": price_cents,
                          "stock": stock}], "status": "listed"}).raise_for_status().json()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def bench_api(url: str | None, *, env: dict[str, str] | None = None,
              admin: dict[str, str] | None = None, workers: int = 1) -> Iterator[BenchApi]:
    """The API at url, or a fresh one started here and stopped afterwards."""
    if url:
        creds = admin or ADMIN
        token = httpx.post(f"{url}/v1/auth/login", json=creds, timeout=60
                           ).raise_for_status().json()["token"]
        yield BenchApi(url, token)
        return
    var = Path(tempfile.mkdtemp(prefix="flywheel-bench-"))
    redis = start_redis(var / "redis", _free_port(), persist=False)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    sup = Supervisor(env={
        **os.environ, "FLYWHEEL_VAR_DIR": str(var), "FLYWHEEL_REDIS_URL": redis.url,
        "FLYWHEEL_API_URL": url, "FLYWHEEL_ADMIN_EMAIL": ADMIN["email"],
        "FLYWHEEL_ADMIN_PASSWORD": ADMIN["password"], **(env or {})}, log_dir=var / "logs")
    try:
        api = sup.start("api", python_module(
            "uvicorn", "transactional_api.app:create_app", "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "warning", "--workers", str(workers)))
        wait_http(f"{url}/healthz", timeout=60, proc=api.proc)
        token = httpx.post(f"{url}/v1/auth/login", json=ADMIN, timeout=60
                           ).raise_for_status().json()["token"]
        yield BenchApi(url, token, var, redis.url)
    finally:
        sup.stop_all()
        redis.stop()
        shutil.rmtree(var, ignore_errors=True)
