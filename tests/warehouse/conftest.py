"""A simulated week through the real API into a lake, shared by the warehouse tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from tests.simulator.seeds import seed_with_paid_order
from transactional_api.events import relay
from transactional_api.simulator.run import simulate

SHOPPERS, DAYS = 30, 7


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "spark: needs pyspark and a Java runtime (skipped without them)")


@dataclass(frozen=True)
class Week:
    root: Path  # the lake and the OLTP database live here
    lake: Path
    database_url: str
    orders: int


@pytest.fixture(scope="session")
def simulated_week(tmp_path_factory, redis_server) -> Iterator[Week]:
    """SHOPPERS shoppers over DAYS days through the HTTP API, every event relayed to the
    lake; the API is stopped again."""
    var = tmp_path_factory.mktemp("week") / "var"
    settings = make_settings(var, redis_server.url, simulated_clock=True)
    client = redis.Redis.from_url(redis_server.url)
    for api in run_api(settings):
        summary = simulate(api.url, shoppers=SHOPPERS, days=DAYS,
                           seed=seed_with_paid_order(SHOPPERS, DAYS),
                           admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD,
                           progress=False)
        relay.drain(sessions=api.sessions, lake_dir=settings.resolved_lake_dir,
                    redis_client=client, stream=settings.redis_stream, stream_maxlen=10_000)
    yield Week(root=var, lake=settings.resolved_lake_dir,
               database_url=settings.resolved_database_url, orders=summary.orders)
