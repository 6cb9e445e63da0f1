"""The dbt project as assets: one asset per model, one asset check per dbt test.

The assets are partitioned by day (pipelines/partitions.py): a run for some days passes
them to dbt as run_from/run_to, and day-keyed incremental models recompute just those days
(plus the lookback); a run without partitions is a full build.

The manifest is produced when the definitions load if it is missing (a fresh clone has no
target/), so `dagster dev`, `python -m pipelines.run` and the tests work without a build
step; `dagster dev` re-parses on every load to pick up edits.
"""

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

from pipelines.partitions import DAILY, SINGLE_RUN, dbt_build_args, window_vars
from transactional_api.config import Settings

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

# The venv's dbt, so nothing depends on the venv being activated (PATH).
DBT_EXECUTABLE = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=DBT_EXECUTABLE,
    )


def _stale(project: DbtProject) -> bool:
    """True when there is no manifest or a model, macro or YAML file changed after it: a
    stale manifest names tests the build no longer has, and the run fails on them."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    root = Path(project.project_dir)
    sources = [root / "dbt_project.yml", *root.glob("models/**/*"), *root.glob("macros/**/*")]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


def ensure_manifest(project: DbtProject) -> None:
    """`dbt parse` under `dagster dev` (to pick up edits) or when the manifest is missing or
    older than the project's files.

    Parsing opens no warehouse, so whatever FLYWHEEL_WAREHOUSE_PATH is set does not matter.
    """
    if os.getenv("DAGSTER_IS_DEV_CLI") or _stale(project):
        dbt_resource().cli(["parse", "--quiet"], target_path=project.target_path).wait()


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
ensure_manifest(dbt_project)


class FlywheelDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"


@contextmanager
def warehouse_env() -> Iterator[None]:
    """Point dbt's profile at the warehouse the settings name (the profile's default is
    relative to dbt_project/, which only matches the default var dir)."""
    key = "FLYWHEEL_WAREHOUSE_PATH"
    previous = os.environ.get(key)
    os.environ[key] = str(Settings().resolved_warehouse_path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = previous


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
    run_vars = window_vars(context)
    context.log.info(f"dbt build {'for ' + json.dumps(run_vars) if run_vars else 'of every day'}")
    with warehouse_env():
        yield from dbt.cli(dbt_build_args(run_vars), context=context).stream()
