"""A live API whose group-buy and members jobs are off: tests run the consumer and the
close job themselves, so the outbox holds exactly what the flows wrote."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings, run_api

QUIET = dict(group_buy_interval_seconds=0, members_consumer_interval_seconds=0,
             members_housekeeping_interval_seconds=0, reach_interval_seconds=0)


@pytest.fixture
def api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, **QUIET))


@pytest.fixture
def pg_api(tmp_path, redis_server, postgres_db):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     database_url=postgres_db, **QUIET))


@pytest.fixture
def pool(api):
    """Shoppers reused across hypothesis examples (each example opens a new offer)."""
    from tests.group_buys.helpers import shopper

    clients = [shopper(api, f"p{i}") for i in range(4)]
    yield clients
    for c in clients:
        c.close()
