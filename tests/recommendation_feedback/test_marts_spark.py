"""The recommendation marts give the same rows on Spark as on DuckDB (the hand story of
test_marts, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.recommendation_feedback import reco_story as story
from tests.recommendation_feedback.test_marts import AB, PERFORMANCE
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
MARTS = ("fct_recommendation_performance_daily", "fct_recommendation_ab_daily")


def test_duckdb_and_spark_build_the_same_recommendation_marts(tmp_path):
    built = engines.build_on_both(
        tmp_path, engines.story_landed(story), [*(f"+{m}" for m in MARTS), *engines.CAUTIOUS],
        MARTS)
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"][MARTS[0]][1]) == len(PERFORMANCE)
    assert len(built["spark"][MARTS[1]][1]) == len(AB)
