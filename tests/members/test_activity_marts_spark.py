"""The activity and tag marts (and the staging models only analysts read) give the same
rows on Spark as on DuckDB (the hand story of test_activity_marts, through the pipelines'
own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.dbt import shop_story as story
from tests.members.test_activity_marts import SELECT, _events
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
MARTS = ("fct_member_activity_daily", "fct_tag_assignments_daily")


def test_duckdb_and_spark_build_the_same_activity_marts(tmp_path):
    built = engines.build_on_both(tmp_path, engines.events_landed(story, _events()), SELECT, MARTS)
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_member_activity_daily"][1]) == 5
