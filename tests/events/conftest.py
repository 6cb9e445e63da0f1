"""A real SQLite outbox and a real redis-server of each test's own (the relay lock is one
global key, so these tests never share a server)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import free_port
from transactional_api.core.db import make_engine, transaction
from transactional_api.core.redis_server import RedisProcess, start_redis
from transactional_api.events import lake, relay
from transactional_api.events.contract import PageView, PageViewPayload
from transactional_api.events.models import OutboxEvent
from transactional_api.events.outbox import emit
from transactional_api.migrations import upgrade

STREAM = "flywheel:test-events"


@pytest.fixture
def db_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path}/oltp.sqlite3"
    upgrade(url)
    return url


@pytest.fixture
def sessions(db_url) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def lake_dir(tmp_path) -> Path:
    return tmp_path / "lake"


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisProcess]:
    proc = start_redis(tmp_path / "redis", free_port(), persist=True)
    yield proc
    proc.stop()


@pytest.fixture
def relay_log(caplog) -> pytest.LogCaptureFixture:
    # configure_logging() stops "flywheel" propagating to the root, where caplog listens
    logger = logging.getLogger("flywheel.relay")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="flywheel.relay")
    yield caplog
    logger.removeHandler(caplog.handler)


def quick_client(port: int) -> redis.Redis:
    """A client that gives up at once on a stopped server, where the default retries for
    seconds; the relay treats both alike."""
    return redis.Redis(port=port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 1))


def add_events(sessions, n: int) -> list[str]:
    ids = []
    with transaction(sessions) as s:
        for i in range(n):
            event = PageView(payload=PageViewPayload(page=f"/p/{i}"))
            emit(session=s, event=event)
            ids.append(event.event_id)
    return ids


def run_relay(sessions, lake_dir: Path, client: redis.Redis | None, **kwargs) -> int:
    return relay.relay_once(sessions=sessions, lake_dir=lake_dir, redis_client=client,
                            stream=STREAM, stream_maxlen=10_000, **kwargs)


def landed_ids(lake_dir: Path) -> list[str]:
    return [json.loads(line)["event_id"] for path in lake.landed_files(lake_dir)
            for line in path.read_text().splitlines()]


def streamed_ids(client: redis.Redis, stream: str = STREAM) -> list[str]:
    return [json.loads(fields[b"record"])["event_id"] for _, fields in client.xrange(stream)]


def outbox_stamps(sessions) -> list[tuple]:
    with sessions() as s:
        return s.execute(select(OutboxEvent.event_id, OutboxEvent.published_at,
                                OutboxEvent.streamed_at)).all()
