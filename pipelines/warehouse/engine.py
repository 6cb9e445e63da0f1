"""Where each engine keeps its files and what dbt is told to reach them.

dbt_project/profiles.yml reads these variables: its target is FLYWHEEL_WAREHOUSE, DuckDB's
file FLYWHEEL_WAREHOUSE_PATH, Spark's tables and metastore live under FLYWHEEL_SPARK_DIR
and its sources read the lake at FLYWHEEL_LAKE_DIR.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from transactional_api.config import Settings


def spark_dir(settings: Settings) -> Path:
    """Spark's tables (warehouse/), its Derby metastore (metastore_db/) and derby.log."""
    return (settings.var_dir / "spark").resolve()


def dbt_env(settings: Settings) -> dict[str, str]:
    """The variables dbt's profile and sources read, from the settings."""
    return {
        "FLYWHEEL_WAREHOUSE": settings.warehouse,
        "FLYWHEEL_WAREHOUSE_PATH": str(settings.resolved_warehouse_path),
        "FLYWHEEL_LAKE_DIR": str(settings.resolved_lake_dir),
        "FLYWHEEL_SPARK_DIR": str(spark_dir(settings)),
    }


def spark_missing() -> str | None:
    """Why a local Spark cannot start here (None when it can): pyspark is the optional
    `spark` extra, and Spark needs a Java runtime."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if importlib.util.find_spec("dbt.adapters.spark") is None:
        return "dbt-spark is not installed (pip install -e '.[spark]')"
    if not shutil.which("java"):
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return None


def dbt_executable(settings: Settings, default: str) -> str:
    """The dbt command line for the engine: `default` on DuckDB; on Spark a launcher for
    pipelines.warehouse.dbt_cli (dbt with Python models run in the local session) written
    under the Spark dir, since dagster-dbt runs dbt as one executable."""
    if settings.warehouse != "spark":
        return default
    launcher = spark_dir(settings) / "bin" / "dbt"
    text = (f"#!{sys.executable}\n"
            "from pipelines.warehouse.dbt_cli import main\n\nraise SystemExit(main())\n")
    if not launcher.exists() or launcher.read_text() != text:
        launcher.parent.mkdir(parents=True, exist_ok=True)
        launcher.write_text(text)
        launcher.chmod(0o755)
    return str(launcher)


def publish_marts(settings: Settings, target_path: Path) -> dict[str, int] | None:
    """After a dbt build on Spark, its marts into the DuckDB warehouse file, where the
    recommender, the publishing steps and the dashboards read them (spark_tables.py); rows
    per mart. Nothing on DuckDB, where dbt wrote them there itself."""
    if settings.warehouse != "spark":
        return None
    from pipelines.resources import WarehouseResource
    from pipelines.warehouse.spark_tables import import_marts

    with WarehouseResource().connect() as conn:
        return import_marts(conn, spark_dir(settings), target_path / "manifest.json")
