"""fct_flash_sales gives the same rows on Spark as on DuckDB (the live story's events)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.flash_sales import flash_story
from tests.warehouse import engines
from transactional_api.events.lake import land
from transactional_api.migrations import upgrade

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_flash_mart(flash_api, tmp_path):
    flash_story.run(flash_api)
    events = flash_story.landed(flash_api)

    def prepare(settings) -> None:
        upgrade(settings.resolved_database_url)
        land(settings.resolved_lake_dir, events)

    built = engines.build_on_both(tmp_path, prepare,
                                  ["+fct_flash_sales", *engines.CAUTIOUS], ("fct_flash_sales",))
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_flash_sales"][1]) == 1
