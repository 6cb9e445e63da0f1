"""fct_sales_by_market gives the same rows on Spark as on DuckDB (the API-driven shop of
market_shop.py, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.markets import market_shop
from tests.warehouse import engines
from transactional_api.events.lake import land

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_markets_mart(api, admin, tmp_path):
    market_shop.run(api, admin)
    events = market_shop.events(api)

    def prepare(settings) -> None:
        market_shop.copy_oltp(api, settings.resolved_database_url)
        land(settings.resolved_lake_dir, events)

    built = engines.build_on_both(
        tmp_path, prepare, ["+fct_sales_by_market", *engines.CAUTIOUS],
        ("fct_sales_by_market",))
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_sales_by_market"][1]) == 3
