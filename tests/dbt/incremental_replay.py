"""Shared pieces of tests/dbt/test_incremental_people.py: dbt runs of the marts that an
incremental run replaces per person or per day, given the run window the way the pipeline
gives it (FLYWHEEL_RUN_FROM/TO in dbt's environment, pipelines/partitions.py), and a replay
of landed files in the order they arrived."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.ingest.events import load_new_files
from pipelines.partitions import days_of, dbt_build_args, window_env
from tests.dbt.sessions_story import DBT_PROJECT
from transactional_api.events.lake import landed_files

# The models made incremental for the daily run (fct_sessions, dim_visitors and
# fct_funnel_user_entries per person; the interactions per session day), held to a full
# build's rows.
COMPARED = ("marts.fct_sessions", "marts.dim_visitors", "marts.fct_funnel_user_entries",
            "marts.fct_product_interactions")
SELECTOR = "+fct_sessions +dim_visitors +fct_funnel_user_entries +fct_product_interactions"
REPARSED = "Unable to do partial parsing"


def dbt_run(work: Path, window: tuple[str, str] | None) -> str:
    """Build the compared models (and what they read) in work's warehouse for the window's
    days (None: every day); dbt's output."""
    env = {**os.environ, "FLYWHEEL_WAREHOUSE_PATH": str(work / "flywheel.duckdb"),
           "DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           **window_env(window and {"run_from": window[0], "run_to": window[1]})}
    args = [str(Path(sys.executable).with_name("dbt")), *dbt_build_args(),
            "--select", SELECTOR, "--resource-type", "model",
            "--profiles-dir", str(DBT_PROJECT), "--project-dir", str(DBT_PROJECT)]
    done = subprocess.run(args, cwd=DBT_PROJECT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-6000:]
    return done.stdout


def snapshot(warehouse: Path, tables=COMPARED) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {t: sorted(conn.execute(f"select * from {t}").fetchall(), key=repr)
                for t in tables}


def arrival_day(path: Path) -> str:
    """The day a synthetic file reached the lake: part-<YYYYMMDD>T<HH>…-<tag>.jsonl."""
    stamp = path.name[len("part-"):len("part-") + 8]
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}"


def replay(source: Path, work: Path) -> list[tuple[str, str] | None]:
    """Move source's landed files into work's lake one arrival day at a time; after each,
    ingest and run dbt for the days the new files hold events of (as the new-files sensor
    asks), the first time a full build. The windows run, in order."""
    lake = work / "lake"
    by_day: dict[str, list[Path]] = {}
    for path in landed_files(source):
        by_day.setdefault(arrival_day(path), []).append(path)
    windows: list[tuple[str, str] | None] = []
    for day in sorted(by_day):
        moved = []
        for path in by_day[day]:
            rel = path.relative_to(source)
            (lake / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, lake / rel)
            moved.append(rel.as_posix())
        with duckdb.connect(str(work / "flywheel.duckdb")) as conn:
            load_new_files(conn, lake)
        window = days_of(moved) if windows else None
        output = dbt_run(work, window)
        assert not windows or REPARSED not in output  # the window does not cost a parse
        windows.append(window)
    return windows
