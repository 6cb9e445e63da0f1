"""The settlement marts (and fct_merchant_performance with its commission) give the same
rows on Spark as on DuckDB: the settlement story's events, written by the live API and a
settlement run, through the pipelines' own ingest."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.settlement.test_settlement_mart import SELECT, played, prepare  # noqa: F401
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]

MARTS = ("fct_settlement_statements", "fct_merchant_settlement", "fct_merchant_performance")


def test_duckdb_and_spark_build_the_same_settlement_marts(played, tmp_path):  # noqa: F811
    built = engines.build_on_both(tmp_path, prepare(played), [*SELECT, *engines.CAUTIOUS],
                                  MARTS)
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"]["fct_settlement_statements"][1]) == len(played.statements)
    assert len(built["spark"]["fct_merchant_settlement"][1]) == len(played.merchants)
