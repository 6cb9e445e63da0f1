from __future__ import annotations

import pytest

from tests.conftest import make_settings, run_api


@pytest.fixture
def manual(tmp_path, redis_server):
    """An API whose sandbox never calls back: tests deliver callbacks by hand."""
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     sandbox_auto_confirm=False))
