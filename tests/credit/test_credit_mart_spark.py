"""The credit marts give the same rows on Spark as on DuckDB (the credit story's events,
written by the live API, and its OLTP snapshot, through the pipelines' own ingest)."""

from __future__ import annotations

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.credit import credit_story as story
from tests.credit.test_credit_mart import MARTS, played  # noqa: F401 (fixture)
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_credit_marts(played, tmp_path):  # noqa: F811
    _, events, _, oltp_file = played
    built = engines.build_on_both(tmp_path, story.prepare(oltp_file, events),
                                  [*(f"+{m}" for m in MARTS), *engines.CAUTIOUS], MARTS)
    assert set(built["duckdb"]) == set(MARTS)
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert all(built["spark"][m][1] for m in MARTS)  # every mart has rows
