"""The pricing marts and the ROI mart they feed give the same rows on Spark as on DuckDB
(the hand story of test_pricing_marts, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.pricing import pricing_story as story
from tests.pricing.test_pricing_marts import PROMOTION_ORDERS
from tests.warehouse import engines
from transactional_api.config import Settings
from transactional_api.events.lake import land

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
MARTS = ("dim_promotions", "dim_coupon_templates", "fct_coupon_templates_daily",
         "fct_promotion_cost_daily", "fct_promotion_orders", "fct_price_floor_blocks_daily",
         "fct_campaign_roi")


def test_duckdb_and_spark_build_the_same_pricing_marts(tmp_path):
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
        marts = engines.marts(engines.build(settings, "--select", *story.MARTS,
                                             "--indirect-selection", "cautious"))
        built[engine] = {k: v for k, v in marts.items() if k in MARTS}
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_promotion_orders"][1]) == len(PROMOTION_ORDERS)
