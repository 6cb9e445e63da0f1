from __future__ import annotations

import pytest

from tests.conftest import make_settings, run_api

ALL_CHANNELS = ["sandbox", "card", "wallet", "bank_transfer"]


def payment_settings(var_dir, redis_url: str, **overrides):
    """Every channel on; providers never call back by themselves (tests deliver), and no
    background sweeps race the assertions."""
    base = dict(payment_channels=ALL_CHANNELS, sandbox_auto_confirm=False,
                payment_refund_sweeper_interval_seconds=0,
                payment_reconciliation_interval_seconds=0)
    base.update(overrides)
    return make_settings(var_dir, redis_url, **base)


@pytest.fixture
def papi(tmp_path, redis_server):
    yield from run_api(payment_settings(tmp_path / "var", redis_server.url))


@pytest.fixture
def papi_pg(tmp_path, redis_server, postgres_db):
    yield from run_api(payment_settings(tmp_path / "var", redis_server.url,
                                        database_url=postgres_db))
