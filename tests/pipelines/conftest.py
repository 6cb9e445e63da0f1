"""Fixtures for the pipelines tests: an isolated var dir and a flushed real redis-server."""


import pytest

from transactional_api.config import Settings, get_settings

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


@pytest.fixture
def redis_url(redis_server, monkeypatch) -> str:
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    monkeypatch.setenv("FLYWHEEL_REDIS_URL", redis_server.url)
    return redis_server.url
