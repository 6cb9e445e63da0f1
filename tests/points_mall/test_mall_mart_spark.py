"""fct_points_mall_redemptions gives the same rows on Spark as on DuckDB (a day the real
API produced, mall_story.py, through the pipelines' own ingest)."""

from __future__ import annotations

import shutil

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.points_mall.mall_story import produce
from tests.warehouse import engines
from transactional_api.events.lake import land

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_points_mall_mart(tmp_path, redis_server):
    oltp, records, _ = produce(tmp_path / "api", redis_server.url)

    def prepare(settings) -> None:
        shutil.copy(oltp, settings.resolved_database_url.split("///", 1)[1])
        land(settings.resolved_lake_dir, records)

    built = engines.build_on_both(
        tmp_path, prepare, ["+fct_points_mall_redemptions", *engines.CAUTIOUS],
        ("fct_points_mall_redemptions",))
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_points_mall_redemptions"][1]) == 2
