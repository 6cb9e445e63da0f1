"""Fixtures for the pipelines tests: an isolated var dir, a real redis-server, the shop story."""

import importlib.util
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from transactional_api.config import Settings, get_settings
from transactional_api.core.redis_server import RedisProcess, start_redis


def _load_story():
    # The shop story lives beside the dbt tests; loaded by path since test folders are not
    # packages and the import must not depend on pytest's import mode.
    name = "flywheel_shop_story"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "dbt" / "shop_story.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


story = _load_story()

_FLYWHEEL_VARS = ("DATABASE_URL", "REDIS_URL", "LAKE_DIR", "WAREHOUSE_PATH", "VAR_DIR")


@pytest.fixture
def flywheel_env(tmp_path, monkeypatch) -> Settings:
    """Settings pointing every path at a fresh tmp var dir (no Redis unless a test sets one)."""
    for var in _FLYWHEEL_VARS:
        monkeypatch.delenv(f"FLYWHEEL_{var}", raising=False)
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    settings = Settings()
    settings.resolved_warehouse_path.parent.mkdir(parents=True)
    yield settings
    get_settings.cache_clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pipelines_redis(tmp_path_factory) -> Iterator[RedisProcess]:
    proc = start_redis(tmp_path_factory.mktemp("redis"), free_port(), persist=False)
    yield proc
    proc.stop()


@pytest.fixture
def redis_url(pipelines_redis, monkeypatch) -> str:
    import redis

    client = redis.Redis.from_url(pipelines_redis.url)
    client.flushdb()
    client.close()
    monkeypatch.setenv("FLYWHEEL_REDIS_URL", pipelines_redis.url)
    return pipelines_redis.url
