"""The members' marts give the same rows on Spark as on DuckDB (the hand story of
test_member_marts, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.dbt import shop_story as story
from tests.members.test_member_marts import _events
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
SELECT = ["+fct_member_levels_daily", "+fct_points_daily",
          "assert_points_outstanding_matches_member_balances"]


def test_duckdb_and_spark_build_the_same_member_marts(tmp_path):
    built = engines.build_on_both(tmp_path, engines.events_landed(story, _events()), SELECT,
                                  ("fct_member_levels_daily", "fct_points_daily"))
    assert set(built["duckdb"]) == {"fct_member_levels_daily", "fct_points_daily"}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_points_daily"][1]) == 4
