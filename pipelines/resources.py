"""Resources shared by the assets: the DuckDB warehouse and the Redis features store.

Both resolve their location from ``Settings`` when a run starts, not when the definitions
load, so one code location follows whatever FLYWHEEL_* variables the run sees.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import redis

from transactional_api.config import Settings


class WarehouseResource(dg.ConfigurableResource):
    """The pipelines' DuckDB file. DuckDB allows one writing process per file, so every
    asset opens, uses and closes its connection (dbt opens the file in between)."""

    path: str | None = None
    lock_timeout_seconds: float = 60.0

    def resolved_path(self) -> Path:
        return Path(self.path) if self.path else Settings().resolved_warehouse_path

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.resolved_path()
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout_seconds
        while True:
            try:
                conn = duckdb.connect(str(path), read_only=read_only)
                break
            except duckdb.IOException as exc:
                # Another process (a second run, a manual dbt) holds the file lock: wait.
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        try:
            yield conn
        finally:
            conn.close()


class RedisResource(dg.ConfigurableResource):
    """Where features are published. Required only by the serve assets."""

    url: str | None = None

    def resolved_url(self) -> str:
        url = self.url or Settings().redis_url
        if not url:
            raise RuntimeError(
                "publishing features needs a Redis: set FLYWHEEL_REDIS_URL "
                "(e.g. redis://127.0.0.1:6390/0, the embedded server the CLI starts)"
            )
        return url

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.resolved_url(), decode_responses=True)
