"""fct_supplier_performance gives the same rows on Spark as on DuckDB (the procurement
story's events, written by the live API, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.procurement import procurement_story as story
from tests.procurement.test_supplier_mart import played, prepare  # noqa: F401 (fixture)
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_supplier_mart(played, tmp_path):  # noqa: F811
    records, _ = played
    built = engines.build_on_both(
        tmp_path, prepare(records), ["+fct_supplier_performance", *engines.CAUTIOUS],
        ("fct_supplier_performance",))
    assert set(built["duckdb"]) == {"fct_supplier_performance"}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_supplier_performance"][1]) == len(story.EXPECTED)
