"""fct_reach_campaigns gives the same rows on Spark as on DuckDB (the hand story of
test_reach_mart, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.reach import reach_story as story
from tests.reach.test_reach_mart import EXPECTED
from tests.warehouse import engines
from transactional_api.config import Settings
from transactional_api.events.lake import land

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_reach_mart(tmp_path):
    built = {}
    for engine in ("duckdb", "spark"):
        var = tmp_path / engine
        settings = Settings(var_dir=var, warehouse=engine,
                            database_url=f"sqlite:///{var / 'oltp.sqlite3'}")
        var.mkdir()
        story.build_oltp(settings.resolved_database_url)
        for batch in story.landings():
            land(settings.resolved_lake_dir, batch)
        engines.ingest(settings)
        marts = engines.marts(engines.build(settings, "--select", "+fct_reach_campaigns",
                                             "--indirect-selection", "cautious"))
        built[engine] = {"fct_reach_campaigns": marts["fct_reach_campaigns"]}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_reach_campaigns"][1]) == len(EXPECTED)
