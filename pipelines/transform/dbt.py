"""The dbt project as assets: one asset per model, one asset check per dbt test.

The assets are partitioned by day (pipelines/partitions.py): a run for some days gives them
to dbt as its run window (FLYWHEEL_RUN_FROM/TO), and day-keyed incremental models recompute
just those days (plus the lookback); a run without partitions is a full build.

The manifest is produced when the definitions load if it is missing (a fresh clone has no
target/), so `dagster dev`, `python -m pipelines.run` and the tests work without a build
step; `dagster dev` re-parses on every load to pick up edits.
"""

import fcntl
import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines.partitions import DAILY, SINGLE_RUN, dbt_build_args, run_window, window_env
from pipelines.warehouse.engine import dbt_env, dbt_executable, publish_marts
from transactional_api.config import Settings

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

# The venv's dbt, so nothing depends on the venv being activated (PATH).
DBT_EXECUTABLE = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(Settings(), DBT_EXECUTABLE),
    )


def _stale(project: DbtProject) -> bool:
    """True when there is no manifest or a model, macro, test or YAML file changed after it: a
    stale manifest names tests the build no longer has, and the run fails on them."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    root = Path(project.project_dir)
    sources = [root / "dbt_project.yml",
               *(p for d in ("models", "macros", "tests") for p in root.glob(f"{d}/**/*"))]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


def ensure_manifest(project: DbtProject) -> None:
    """`dbt parse` under `dagster dev` (to pick up edits) or when the manifest is missing or
    older than the project's files.

    Parsing opens no warehouse, but it runs in the runs' environment (warehouse_env): dbt
    keeps its parse for the next invocation only while the profile's variables are the
    same, and dagster-dbt hands this one to every run, which then skips parsing.
    """
    if not (os.getenv("DAGSTER_IS_DEV_CLI") or _stale(project)):
        return
    # Processes that load the definitions together (test workers, a daemon beside the
    # webserver) would write one manifest at once and read each other's half-written file.
    target = project.manifest_path.parent  # target_path itself is relative to the project
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.getenv("DAGSTER_IS_DEV_CLI") or _stale(project):
            with warehouse_env():
                dbt_resource().cli(["parse", "--quiet"], target_path=project.target_path).wait()


class FlywheelDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"


@contextmanager
def warehouse_env(window: Mapping[str, str] | None = None) -> Iterator[None]:
    """Point dbt's profile at the warehouse the settings name (the profile's default is
    relative to dbt_project/, which only matches the default var dir), and give it the run
    window (none: every day; pipelines/partitions.py)."""
    variables = {**dbt_env(Settings()), **window_env(window)}  # engine, lake, Spark's dir too
    previous = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
ensure_manifest(dbt_project)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=DAILY,
    backfill_policy=SINGLE_RUN,
    dagster_dbt_translator=FlywheelDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def flywheel_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Every asset that writes the warehouse has closed its connection by now (they run one
    # at a time), so dbt-duckdb can take the file lock.
    window = run_window(context)
    context.log.info(f"dbt build {'for ' + json.dumps(window) if window else 'of every day'}")
    with warehouse_env(window):
        # Spark's marts are published from the run's manifest.json; on DuckDB nothing
        # reads dbt's artifacts (Dagster takes its events from stdout).
        spark = Settings().warehouse == "spark"
        invocation = dbt.cli(dbt_build_args(window, write_artifacts=spark), context=context)
        yield from invocation.stream()
    publish_marts(Settings(), invocation.target_path)  # Spark's marts to their readers
