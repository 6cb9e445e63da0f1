from __future__ import annotations

import pytest

from tests.conftest import make_settings, run_api


@pytest.fixture
def sim_api(tmp_path, redis_server):
    """An API honouring X-Flywheel-Clock, as the demo runs it: the shop clock moves parcels
    and completion while the wall clock stands still."""
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, simulated_clock=True))
