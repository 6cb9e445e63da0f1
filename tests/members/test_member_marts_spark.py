"""The members' marts give the same rows on Spark as on DuckDB (the hand story of
test_member_marts, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.dbt import shop_story as story
from tests.members.test_member_marts import _events
from tests.warehouse import engines
from transactional_api.config import Settings
from transactional_api.events.lake import land

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
SELECT = ["--select", "+fct_member_levels_daily", "+fct_points_daily",
          "assert_points_outstanding_matches_member_balances"]


def test_duckdb_and_spark_build_the_same_member_marts(tmp_path):
    built = {}
    for engine in ("duckdb", "spark"):
        var = tmp_path / engine
        settings = Settings(var_dir=var, warehouse=engine,
                            database_url=f"sqlite:///{var / 'oltp.sqlite3'}")
        var.mkdir()
        story.build_oltp(settings.resolved_database_url, with_rows=False)
        land(settings.resolved_lake_dir, _events())
        engines.ingest(settings)
        marts = engines.marts(engines.build(settings, *SELECT))
        built[engine] = {k: v for k, v in marts.items()
                         if k in ("fct_member_levels_daily", "fct_points_daily")}
    assert set(built["duckdb"]) == {"fct_member_levels_daily", "fct_points_daily"}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_points_daily"][1]) == 4
