"""fct_promoter_performance gives the same rows on Spark as on DuckDB (the hand story of
test_promoter_mart, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.promoters import promoter_story as story
from tests.promoters.test_promoter_mart import EXPECTED
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_promoter_mart(tmp_path):
    built = engines.build_on_both(
        tmp_path, engines.story_landed(story), ["+fct_promoter_performance",
                                                *engines.CAUTIOUS],
        ("fct_promoter_performance",))
    assert set(built["duckdb"]) == {"fct_promoter_performance"}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_promoter_performance"][1]) == len(EXPECTED)
