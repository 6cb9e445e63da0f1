"""Which dbt the pipelines run, and where, for each engine."""

from __future__ import annotations

import importlib.util
import os
import subprocess

import pytest

from pipelines.warehouse.engine import dbt_env, dbt_executable
from transactional_api.config import Settings


def test_dbt_is_told_the_engine_the_lake_and_sparks_dir(tmp_path):
    settings = Settings(var_dir=tmp_path, warehouse="spark")
    assert dbt_env(settings) == {
        "FLYWHEEL_WAREHOUSE": "spark",
        "FLYWHEEL_WAREHOUSE_PATH": str(tmp_path / "warehouse" / "flywheel.duckdb"),
        "FLYWHEEL_LAKE_DIR": str(tmp_path / "lake"),
        "FLYWHEEL_SPARK_DIR": str(tmp_path / "spark"),
    }


def test_duckdb_keeps_the_plain_dbt(tmp_path):
    assert dbt_executable(Settings(var_dir=tmp_path), "/venv/bin/dbt") == "/venv/bin/dbt"
    assert not (tmp_path / "spark").exists()


@pytest.mark.skipif(importlib.util.find_spec("dbt.adapters.spark") is None,
                    reason="dbt-spark is not installed")
def test_spark_runs_dbt_with_python_models_in_the_session(tmp_path):
    launcher = dbt_executable(Settings(var_dir=tmp_path, warehouse="spark"), "dbt")
    assert launcher == str(tmp_path / "spark" / "bin" / "dbt")
    assert os.access(launcher, os.X_OK)
    shown = subprocess.run([launcher, "--version"], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and "spark" in shown.stdout
    from dbt.adapters.spark.impl import SparkAdapter

    from pipelines.warehouse.dbt_cli import register_session_python_models

    register_session_python_models()
    assert "session" in SparkAdapter.python_submission_helpers.fget(None)
    assert SparkAdapter.default_python_submission_method.fget(None) == "session"
