"""fct_user_auto_tags gives the same rows on Spark as on DuckDB (the hand story of
test_auto_tags_mart, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.tags import tags_story as story
from tests.tags.test_auto_tags_mart import EXPECTED
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_auto_tags(tmp_path):
    built = engines.build_on_both(
        tmp_path, engines.story_landed(story), ["+fct_user_auto_tags", *engines.CAUTIOUS],
        ("fct_user_auto_tags",))
    assert set(built["duckdb"]) == {"fct_user_auto_tags"}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_user_auto_tags"][1]) == len(EXPECTED)
