"""fct_reach_campaigns gives the same rows on Spark as on DuckDB (the hand story of
test_reach_mart, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.reach import reach_story as story
from tests.reach.test_reach_mart import EXPECTED
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_reach_mart(tmp_path):
    built = engines.build_on_both(
        tmp_path, engines.story_landed(story), ["+fct_reach_campaigns", *engines.CAUTIOUS],
        ("fct_reach_campaigns",))
    assert set(built["duckdb"]) == {"fct_reach_campaigns"}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_reach_campaigns"][1]) == len(EXPECTED)
