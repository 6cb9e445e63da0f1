"""fct_landing_page_performance and fct_slot_performance give the same rows on Spark as on
DuckDB, from the events of landing_story.py played through the real API."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from tests.landing import landing_story
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
MARTS = ("fct_landing_page_performance", "fct_slot_performance")


def test_duckdb_and_spark_build_the_same_landing_marts(tmp_path, redis_server):
    played = make_settings(tmp_path / "played", redis_server.url)
    for api in run_api(played):
        with api.client(api.login(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
            landing_story.play(api, admin)
    database = Path(played.resolved_database_url.removeprefix("sqlite:///"))

    def prepare(settings) -> None:
        target = settings.resolved_database_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):  # the API may not have checkpointed its WAL
            if Path(f"{database}{suffix}").exists():
                shutil.copy(f"{database}{suffix}", f"{target}{suffix}")
        shutil.copytree(played.resolved_lake_dir, settings.resolved_lake_dir)

    built = engines.build_on_both(tmp_path, prepare,
                                  ["+" + m for m in MARTS] + list(engines.CAUTIOUS), MARTS)
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_landing_page_performance"][1]) == 1
