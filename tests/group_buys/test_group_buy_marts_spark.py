"""fct_group_buys and fct_group_buy_fission give the same rows on Spark as on DuckDB, from
the events the live API wrote for the story of test_group_buy_marts."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.dbt import shop_story
from tests.group_buys.test_group_buy_marts import _story
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]
MARTS = ("fct_group_buys", "fct_group_buy_fission")


def test_duckdb_and_spark_build_the_same_group_buy_marts(tmp_path, api, admin):
    records, _ = _story(api, admin)
    built = engines.build_on_both(
        tmp_path, engines.events_landed(shop_story, records),
        ["+fct_group_buys", "+fct_group_buy_fission", *engines.CAUTIOUS], MARTS)
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_group_buys"][1]) == 3
