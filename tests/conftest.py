"""Shared fixtures: a real redis-server, a real PostgreSQL and a real API (uvicorn on
loopback, SQLite file)."""

from __future__ import annotations

import contextlib
import faulthandler
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from transactional_api.app import create_app
from transactional_api.config import Settings
from transactional_api.core.redis_server import RedisProcess, start_redis

ADMIN_EMAIL = "admin@flywheel.test"
ADMIN_PASSWORD = "admin-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[RedisProcess]:
    proc = start_redis(tmp_path_factory.mktemp("redis"), free_port(), persist=False)
    yield proc
    proc.stop()


# The API runs in the test's process: when a request stalls, every thread's stack (the
# server's included) goes to stderr, so a rare hang in CI explains itself.
STALL_SECONDS = 20


def _watch(request) -> None:
    with contextlib.suppress(AttributeError, ValueError, OSError):  # stderr without an fd
        faulthandler.dump_traceback_later(STALL_SECONDS, exit=False)


def _unwatch(response) -> None:
    faulthandler.cancel_dump_traceback_later()


@dataclass
class LiveApi:
    url: str
    settings: Settings
    app: object

    def client(self, token: str | None = None, **headers: str) -> httpx.Client:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=60,
                            event_hooks={"request": [_watch], "response": [_unwatch]})

    def login(self, email: str, password: str) -> str:
        with self.client() as c:
            r = c.post("/v1/auth/login", json={"email": email, "password": password})
            r.raise_for_status()
            return r.json()["token"]

    def admin_token(self) -> str:
        return self.login(ADMIN_EMAIL, ADMIN_PASSWORD)

    @property
    def sessions(self):
        return self.app.state.sessions


def make_settings(var_dir: Path, redis_url: str, **overrides) -> Settings:
    base = dict(var_dir=var_dir, redis_url=redis_url, admin_email=ADMIN_EMAIL,
                admin_password=ADMIN_PASSWORD, relay_interval_seconds=0,
                order_sweeper_interval_seconds=0, sandbox_callback_delay_seconds=0.0,
                reservation_sweeper_interval_seconds=0,
                payment_sandbox_enabled=True, sandbox_outcome_choice=True,
                payment_sweeper_interval_seconds=0,
                # one Redis and one client address serve every test: never throttle them
                login_attempts_per_minute_per_account=1e6,
                login_attempts_per_minute_per_client=1e6,
                events_rate_per_second=1e6, events_burst=10**6)
    base.update(overrides)
    return Settings(**base)


def run_api(settings: Settings, port: int | None = None) -> Iterator[LiveApi]:
    port = port or free_port()
    if settings.sandbox_callback_url is None:
        settings.sandbox_callback_url = f"http://127.0.0.1:{port}/v1/payments/callbacks/sandbox"
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("API did not start")
        time.sleep(0.05)
    try:
        yield LiveApi(url=f"http://127.0.0.1:{port}", settings=settings, app=app)
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture
def api(tmp_path, redis_server) -> Iterator[LiveApi]:
    """A fresh API with its own SQLite file; Redis is shared, so tests use unique ids."""
    yield from run_api(make_settings(tmp_path / "var", redis_server.url))


@pytest.fixture
def admin(api: LiveApi) -> httpx.Client:
    with api.client(api.admin_token()) as c:
        yield c


def register(api: LiveApi, email: str, password: str = "shopper-pass-1") -> str:
    with api.client() as c:
        r = c.post("/v1/auth/register", json={"email": email, "password": password})
        assert r.status_code == 201, r.text
        return r.json()["token"]


def create_product(admin: httpx.Client, *, price_cents: int = 1999, stock: int = 10,
                   code: str = "SKU-1", skus: int = 1) -> dict:
    cats = admin.get("/v1/categories").json()["items"]
    if cats:
        cat_id = cats[0]["id"]
    else:
        cat_id = admin.post("/v1/admin/categories",
                            json={"name": "General", "slug": "general"}).json()["id"]
    body = {"category_id": cat_id, "name": f"Product {code}", "description": "test",
            "skus": [{"code": f"{code}-{i}" if skus > 1 else code, "name": f"variant {i}",
                      "price_cents": price_cents, "stock": stock} for i in range(skus)],
            "status": "listed"}
    r = admin.post("/v1/admin/products", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; the Debian package creates a 'postgres' user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    # Not under pytest's tmp dir: that one is private to root and postgres must reach it.
    root = Path(tempfile.mkdtemp(prefix="flywheel-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    subprocess.run(_as_postgres([initdb, "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "-E", "UTF8"]), check=True, capture_output=True)
    subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                                 f"-p {port} -k {root} -c listen_addresses=127.0.0.1 "
                                 "-c max_connections=200 -c fsync=off", "start"]),
                   check=True, capture_output=True)
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE flywheel")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/flywheel"
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_db(postgres_url) -> Iterator[str]:
    """A database of its own on the shared server: tests that count rows stay independent."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = postgres_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
    with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"


SPARK_TIMEOUT_SECONDS = 1800


def pytest_collection_modifyitems(session, config, items) -> None:
    """The slowest files first (Spark builds, then other `slow` ones): the workers take
    files in this order, so the long ones start early instead of leaving one worker
    alone with them at the end."""
    def weight(item) -> int:
        return 2 if item.get_closest_marker("spark") else (
            1 if item.get_closest_marker("slow") else 0)

    heaviest: dict[str, int] = {}
    for item in items:
        if item.get_closest_marker("spark") and not item.get_closest_marker("timeout"):
            # a Spark build shares two cores with the other worker's tests
            item.add_marker(pytest.mark.timeout(SPARK_TIMEOUT_SECONDS))
        path = str(item.path)
        heaviest[path] = max(heaviest.get(path, 0), weight(item))
    items.sort(key=lambda item: -heaviest[str(item.path)])  # stable: file order kept
