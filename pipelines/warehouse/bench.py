"""The Spark side of `flywheel bench pipeline --warehouse spark`: the same dbt builds as
the DuckDB bench, on the same lake, timed the same way (pipelines/bench.py calls it after
each of its own builds), so one run prints both engines' figures.

Spark reads the compacted Parquet parts the DuckDB ingest wrote and the OLTP snapshot as
Parquet, which this writes first. Its times include starting the JVM and the session
(dbt's start-up), and importing the marts into the DuckDB file for their readers.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import duckdb

from pipelines.ingest.oltp import read_oltp
from pipelines.partitions import dbt_build_args, window_env
from pipelines.warehouse.engine import dbt_env, dbt_executable, spark_dir
from pipelines.warehouse.oltp_parquet import write_snapshot_parquet
from pipelines.warehouse.spark_tables import import_marts
from transactional_api.config import Settings

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


class SparkBench:
    def __init__(self, settings: Settings) -> None:
        var = settings.var_dir.resolve()
        # Its own DuckDB file for the imported marts; the lake is the DuckDB bench's.
        self.settings = settings.model_copy(update={
            "warehouse": "spark", "var_dir": var / "spark-bench",
            "lake_dir": settings.resolved_lake_dir,
            "database_url": settings.resolved_database_url})
        self.runs: list[dict] = []

    def build(self, run_vars: dict | None, say) -> dict:
        """`dbt build` on Spark (every day, or run_vars' days), then the marts' import."""
        if not self.runs:
            write_snapshot_parquet(self.settings.resolved_lake_dir,
                                   read_oltp(self.settings.resolved_database_url))
        var = self.settings.var_dir
        target = var / "dbt-target"
        env = {**os.environ, **dbt_env(self.settings), "DBT_TARGET_PATH": str(target),
               "DBT_LOG_PATH": str(var / "dbt-logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
               **window_env(run_vars)}
        # A daily run leaves out the tests a full build keeps for itself, as the DuckDB
        # bench and the Dagster asset do, picked from the manifest the full build left.
        manifest = json.loads((target / "manifest.json").read_text()) if run_vars else None
        cmd = [dbt_executable(self.settings, "dbt"), *dbt_build_args(run_vars, manifest),
               "--profiles-dir", str(DBT_PROJECT), "--project-dir", str(DBT_PROJECT)]
        say(f"spark: dbt build {'for ' + json.dumps(run_vars) if run_vars else 'every day'}")
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=DBT_PROJECT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"spark dbt build failed (exit {proc.returncode}):\n"
                             + proc.stdout[-4000:])
        results = json.loads((target / "run_results.json").read_text())
        models = sorted(((r["unique_id"].split(".")[-1], r["execution_time"])
                         for r in results["results"] if r["unique_id"].startswith("model.")),
                        key=lambda m: -m[1])
        started = time.perf_counter()
        self.settings.resolved_warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(self.settings.resolved_warehouse_path)) as conn:
            import_marts(conn, spark_dir(self.settings), target / "manifest.json")
        run = {"run_vars": run_vars, "dbt_seconds": seconds,
               "startup_seconds": max(0.0, seconds - results.get("elapsed_time", seconds)),
               "import_seconds": time.perf_counter() - started,
               "models_seconds": dict(models[:10])}
        say(f"spark: dbt build {seconds:.1f}s, marts imported in {run['import_seconds']:.1f}s")
        self.runs.append(run)
        return run

    def figures(self, duckdb_seconds: list[float]) -> dict:
        """Both builds, each beside the DuckDB build of the same days."""
        return {"engine": "spark (local session)", "cores": os.cpu_count(),
                "runs": [{**run, "duckdb_dbt_seconds": duck, "ratio_to_duckdb":
                          run["dbt_seconds"] / duck} for run, duck in
                         zip(self.runs, duckdb_seconds, strict=True)]}


def print_figures(figures: dict) -> None:
    print(f"the same builds on {figures['engine']}, {figures['cores']} cores:")
    for run, label in zip(figures["runs"], ("every day", "one more day"), strict=False):
        print(f"  dbt build ({label:12}) spark {run['dbt_seconds']:8.1f}s "
              f"(start-up {run['startup_seconds']:.1f}s) + import {run['import_seconds']:.1f}s"
              f"   duckdb {run['duckdb_dbt_seconds']:8.1f}s   "
              f"{run['ratio_to_duckdb']:.1f}x duckdb")
    slowest = figures["runs"][0]["models_seconds"] if figures["runs"] else {}
    for name, seconds in list(slowest.items())[:5]:
        print(f"    {name:44} {seconds:7.2f}s")
