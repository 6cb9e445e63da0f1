"""fct_cross_border_orders gives the same rows on Spark as on DuckDB (the hand story)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.duties import cross_border_story as story
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_cross_border_mart(tmp_path):
    built = engines.build_on_both(
        tmp_path, engines.story_landed(story),
        ["+fct_cross_border_orders", *engines.CAUTIOUS], ("fct_cross_border_orders",))
    assert set(built["duckdb"]) == {"fct_cross_border_orders"}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_cross_border_orders"][1]) == len(story.EXPECTED)
