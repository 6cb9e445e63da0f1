"""Building the marts on either engine from one lake, and comparing them, for the parity
test. The ingest is the pipelines' own (compacted Parquet parts, the OLTP snapshot in the
DuckDB file and as Parquet beside the lake); dbt runs as the Dagster asset runs it, with the
variables and executable pipelines/warehouse/engine.py gives for the engine."""

from __future__ import annotations

import math
import os
import subprocess
from pathlib import Path

import duckdb

from pipelines.ingest.events import load_new_files
from pipelines.ingest.oltp import read_oltp, write_snapshot
from pipelines.partitions import window_env
from pipelines.transform.dbt import DBT_EXECUTABLE, DBT_PROJECT_DIR
from pipelines.warehouse.engine import dbt_env, dbt_executable, spark_dir
from pipelines.warehouse.oltp_parquet import write_snapshot_parquet
from pipelines.warehouse.spark_tables import import_marts
from transactional_api.config import Settings
from transactional_api.events.lake import land

DBT_TIMEOUT_SECONDS = 1200


def ingest(settings: Settings) -> None:
    """New landed files and a fresh OLTP snapshot, as the ingest assets load them."""
    tables = read_oltp(settings.resolved_database_url)
    settings.resolved_warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.resolved_warehouse_path)) as conn:
        write_snapshot(conn, tables)
        load_new_files(conn, settings.resolved_lake_dir)
    write_snapshot_parquet(settings.resolved_lake_dir, tables)


def dbt(settings: Settings, *args: str, window: dict | None = None
        ) -> subprocess.CompletedProcess:
    """`dbt <args>` on the settings' engine, over the window's days (run_from, run_to) as
    the Dagster asset gives them, or every day; target/ and logs/ under its var dir."""
    var = settings.var_dir.resolve()
    env = {**_base_env(), **dbt_env(settings), **window_env(window),
           "DBT_TARGET_PATH": str(var / "dbt-target"), "DBT_LOG_PATH": str(var / "dbt-logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    executable = dbt_executable(settings, DBT_EXECUTABLE)
    project = str(DBT_PROJECT_DIR)
    return subprocess.run(
        [executable, *args, "--profiles-dir", project, "--project-dir", project],
        cwd=project, env=env, capture_output=True, text=True, timeout=DBT_TIMEOUT_SECONDS)


def _base_env() -> dict[str, str]:
    # the engine and paths come from the settings only, never from this process
    return {k: v for k, v in os.environ.items() if not k.startswith("FLYWHEEL_")}


def build(settings: Settings, *args: str, window: dict | None = None) -> Path:
    """`dbt build [args]` (every day, or the window's), then the DuckDB file whose marts
    schema holds the result (Spark's imported into the settings' warehouse file, as the
    pipelines do)."""
    result = dbt(settings, "build", *args, window=window)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    if settings.warehouse == "spark":
        manifest = settings.var_dir.resolve() / "dbt-target" / "manifest.json"
        settings.resolved_warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(settings.resolved_warehouse_path)) as conn:
            import_marts(conn, spark_dir(settings), manifest)
    return settings.resolved_warehouse_path


def marts(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every mart: its column names and its rows, sorted."""
    with duckdb.connect(str(path), read_only=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        names = [r[0] for r in conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by 1").fetchall()]
        out = {}
        for name in names:
            rel = conn.execute(f'select * from marts."{name}"')
            columns = [d[0] for d in rel.description]
            out[name] = columns, sorted(rel.fetchall(), key=_sort_key)
        return out


def _sort_key(row: tuple) -> tuple:
    # Floats rounded, so rows that differ only in a double's last bits sort alike.
    return tuple((v is None, repr(round(v, 6) if isinstance(v, float) else v)) for v in row)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9,
                                                                   abs_tol=1e-12)
    return a == b and type(a) is type(b)


def differences(left: dict, right: dict) -> dict[str, str]:
    """What differs between two engines' marts, by mart (empty: equal). Integers (every
    money column is integer cents), strings, dates and timestamps must be equal; doubles
    (rates, shares, model fits) equal to 1e-9 relative, the order of a sum's terms apart."""
    diffs = {}
    for name in sorted(set(left) | set(right)):
        if name not in left or name not in right:
            diffs[name] = "missing on one engine"
            continue
        (lcols, lrows), (rcols, rrows) = left[name], right[name]
        if lcols != rcols:
            diffs[name] = f"columns {lcols} != {rcols}"
        elif len(lrows) != len(rrows):
            diffs[name] = f"{len(lrows)} rows != {len(rrows)} rows"
        else:
            bad = [(c, a, b) for lrow, rrow in zip(lrows, rrows, strict=True)
                   for c, a, b in zip(lcols, lrow, rrow, strict=True) if not _same(a, b)]
            if bad:
                diffs[name] = f"{len(bad)} values differ, first {bad[:3]}"
    return diffs


# dbt tests only of the selected models (not of their parents)
CAUTIOUS = ("--indirect-selection", "cautious")


def build_on_both(tmp_path: Path, prepare, select: list[str] | tuple[str, ...],
                  keep: set[str] | tuple[str, ...]) -> dict[str, dict]:
    """The same story built on DuckDB and on Spark, each on its own var dir: prepare(settings)
    writes the OLTP and lands the events; returns {engine: {mart: (columns, rows)}} for the
    marts in keep."""
    built = {}
    for engine in ("duckdb", "spark"):
        var = tmp_path / engine
        settings = Settings(var_dir=var, warehouse=engine,
                            database_url=f"sqlite:///{var / 'oltp.sqlite3'}")
        var.mkdir()
        prepare(settings)
        ingest(settings)
        got = marts(build(settings, "--select", *select))
        built[engine] = {k: v for k, v in got.items() if k in keep}
    return built


def story_landed(story):
    """prepare() for build_on_both from a story module with build_oltp and landings."""
    def prepare(settings: Settings) -> None:
        story.build_oltp(settings.resolved_database_url)
        for batch in story.landings():
            land(settings.resolved_lake_dir, batch)
    return prepare


def events_landed(story, events: list) -> object:
    """prepare() for build_on_both: the story's OLTP without rows, then these events."""
    def prepare(settings: Settings) -> None:
        story.build_oltp(settings.resolved_database_url, with_rows=False)
        land(settings.resolved_lake_dir, events)
    return prepare
