"""The pricing marts and the ROI mart they feed give the same rows on Spark as on DuckDB
(the hand story of test_pricing_marts, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.pricing import pricing_story as story
from tests.pricing.test_pricing_marts import PROMOTION_ORDERS
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
MARTS = ("dim_promotions", "dim_coupon_templates", "fct_coupon_templates_daily",
         "fct_promotion_cost_daily", "fct_promotion_orders", "fct_price_floor_blocks_daily",
         "fct_campaign_roi")


def test_duckdb_and_spark_build_the_same_pricing_marts(tmp_path):
    built = engines.build_on_both(
        tmp_path, engines.story_landed(story), [*story.MARTS, *engines.CAUTIOUS], MARTS)
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_promotion_orders"][1]) == len(PROMOTION_ORDERS)
