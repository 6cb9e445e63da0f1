"""fct_translation_coverage gives the same rows on Spark as on DuckDB (the coverage
story's OLTP and events, written by the live API, through the pipelines' own ingest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.warehouse.engine import spark_missing
from tests.translations import coverage_story as story
from tests.translations.test_coverage_mart import MART, played  # noqa: F401 (fixture)
from tests.warehouse import engines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_duckdb_and_spark_build_the_same_coverage_mart(played, tmp_path):  # noqa: F811
    settings = played[0]
    database = Path(settings.resolved_database_url.removeprefix("sqlite:///"))

    def prepare(target_settings) -> None:
        target = target_settings.resolved_database_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):  # the API may not have checkpointed its WAL
            if Path(f"{database}{suffix}").exists():
                shutil.copy(f"{database}{suffix}", f"{target}{suffix}")
        shutil.copytree(settings.resolved_lake_dir, target_settings.resolved_lake_dir,
                        ignore=shutil.ignore_patterns("_oltp"))  # the landed events only

    built = engines.build_on_both(tmp_path, prepare, [f"+{MART}", *engines.CAUTIOUS], (MART,))
    assert set(built["duckdb"]) == {MART}
    assert engines.differences(built["duckdb"], built["spark"]) == {}
    assert len(built["spark"][MART][1]) == len(story.EXPECTED)
