"""fct_sku_daily_demand and fct_stock_cover give the same rows on Spark as on DuckDB (the
simulated quarter, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.replenishment import quarter_story as story
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
MARTS = ("fct_sku_daily_demand", "fct_stock_cover")


def test_duckdb_and_spark_build_the_same_demand_marts(tmp_path):
    built = engines.build_on_both(
        tmp_path, engines.story_landed(story),
        ["+fct_sku_daily_demand", "+fct_stock_cover", *engines.CAUTIOUS], MARTS)
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_stock_cover"][1]) == len(story.STOCK)
