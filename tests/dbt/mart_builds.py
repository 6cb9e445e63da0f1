"""Builds a hand-described shop into a throwaway warehouse and runs dbt on a selection of
models, once per test process: several test modules read the same build, so each story
costs one dbt invocation however many modules assert on it."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.dbt import shop_story as story

_BUILT: dict[str, tuple[Path, subprocess.CompletedProcess]] = {}


def dbt(work: Path, *args: str) -> subprocess.CompletedProcess:
    """`dbt <args>` against work/flywheel.duckdb, its target and logs kept in work."""
    env = {
        **os.environ,
        "FLYWHEEL_WAREHOUSE_PATH": str(work / "flywheel.duckdb"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    executable = Path(sys.executable).with_name("dbt")
    project = str(story.DBT_PROJECT)
    return subprocess.run(
        [str(executable), *args, "--profiles-dir", project, "--project-dir", project],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )


def selected(*selectors: str) -> list[str]:
    """--select arguments; tests are kept only when all their parents are selected."""
    return ["--select", *selectors, "--indirect-selection", "cautious"]


def load(work: Path, build_oltp: Callable[[str], None], landings: list[list[dict]]) -> None:
    """A fresh OLTP and warehouse in work, the landings ingested one after the other."""
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    build_oltp(oltp_url)
    story.load_warehouse(work / "flywheel.duckdb", work / "lake", oltp_url, landings)


def built_once(name: str, build_oltp: Callable[[str], None], landings: list[list[dict]],
               selectors: tuple[str, ...]) -> Path:
    """The warehouse of story `name` after `dbt build` of selectors (and their parents),
    built on first use; a failed build fails every test that asks for it."""
    if name not in _BUILT:
        work = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        atexit.register(shutil.rmtree, work, True)
        load(work, build_oltp, landings)
        _BUILT[name] = work, dbt(work, "build", *selected(*selectors))
    work, result = _BUILT[name]
    assert result.returncode == 0, result.stdout[-6000:]
    return work / "flywheel.duckdb"
