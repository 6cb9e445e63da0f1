"""Late events: a day already built gets events two days later; the next daily run counts
them in their own day, a re-run changes nothing, and the marts equal a full rebuild's."""

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.checks import daily_gmv_mismatches
from pipelines.ingest.events import load_new_files
from pipelines.ingest.oltp import read_oltp, write_snapshot
from tests.dbt import shop_story as story
from transactional_api.events import contract as c
from transactional_api.events.lake import land

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
D1 = datetime(2025, 3, 3, tzinfo=UTC)
D2, D3 = D1 + timedelta(days=1), D1 + timedelta(days=2)
# The incremental models this test holds to a full rebuild's rows.
COMPARED = ("staging.stg_flywheel__events", "marts.fct_daily_kpis")


def view(at: datetime, visitor: str) -> dict:
    return c.to_record(c.PageView(occurred_at=at, anonymous_id=visitor, payload={"page": "/"}))


def on_time() -> list[dict]:
    h = timedelta(hours=1)
    return [
        view(D1 + 9 * h, "a1"), view(D1 + 9 * h + timedelta(minutes=10), "a1"),  # 1 session
        view(D1 + 12 * h, "a2"), view(D1 + 13 * h, "a2"),  # an hour apart: 2 sessions
        view(D2 + 9 * h, "a1"),  # D2: 1 session
        view(D3 + 10 * h, "a3"),  # D3: 1 session
    ]


def late(first: list[dict]) -> list[dict]:
    h = timedelta(hours=1)
    return [
        view(D1 + 15 * h, "a4"), view(D1 + 15 * h + timedelta(minutes=5), "a4"),  # +1 on D1
        view(D1 + 20 * h, "a5"),  # +1 on D1
        first[0],  # delivered again (at least once): still one event
    ]


def dbt(warehouse: Path, work: Path, *args: str) -> None:
    env = {**os.environ, "FLYWHEEL_WAREHOUSE_PATH": str(warehouse),
           "DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build", "--select", "+fct_daily_kpis",
         "--indirect-selection", "cautious",
         "--profiles-dir", str(DBT_PROJECT), "--project-dir", str(DBT_PROJECT), *args],
        cwd=DBT_PROJECT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:]


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in COMPARED}


def sessions_by_day(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {str(d): n for d, n in conn.execute(
            "SELECT kpi_date, sessions FROM marts.fct_daily_kpis WHERE sessions > 0").fetchall()}


@pytest.fixture(scope="module")
def daily_runs(tmp_path_factory):
    """The warehouse after: a build with D1..D3 on time; the late events landing; the daily
    run for D3. Also its state after re-running D3, and a full rebuild of the same lake."""
    work = tmp_path_factory.mktemp("late")
    warehouse, lake = work / "flywheel.duckdb", work / "lake"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url)
    first = on_time()
    with duckdb.connect(str(warehouse)) as conn:
        write_snapshot(conn, read_oltp(oltp_url))
        land(lake, first)
        load_new_files(conn, lake)
    dbt(warehouse, work)
    before = sessions_by_day(warehouse)

    with duckdb.connect(str(warehouse)) as conn:
        land(lake, late(first))
        load_new_files(conn, lake)
    day3 = D3.date().isoformat()
    dbt(warehouse, work, "--vars", f'{{"run_from": "{day3}", "run_to": "{day3}"}}')
    after = snapshot(warehouse)
    sessions = sessions_by_day(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        mismatches = daily_gmv_mismatches(conn)

    dbt(warehouse, work, "--vars", f'{{"run_from": "{day3}", "run_to": "{day3}"}}')
    rerun = snapshot(warehouse)

    rebuilt = work / "rebuilt.duckdb"
    shutil.copyfile(warehouse, rebuilt)
    dbt(rebuilt, work, "--full-refresh")
    return {"before": before, "sessions": sessions, "after": after, "rerun": rerun,
            "rebuilt": snapshot(rebuilt), "mismatches": mismatches}


def test_late_events_are_counted_in_their_own_day(daily_runs):
    d1, d2, d3 = (d.date().isoformat() for d in (D1, D2, D3))
    assert daily_runs["before"] == {d1: 3, d2: 1, d3: 1}
    # a4's and a5's sessions on D1 arrived two days late: 3 + 2 = 5; the others unchanged
    assert daily_runs["sessions"] == {d1: 5, d2: 1, d3: 1}
    events = daily_runs["after"]["staging.stg_flywheel__events"]
    assert len(events) == 6 + 3  # the re-delivered event counts once


def test_re_running_a_day_gives_the_same_rows(daily_runs):
    assert daily_runs["rerun"] == daily_runs["after"]


def test_the_incremental_marts_equal_a_full_rebuild(daily_runs):
    for table in COMPARED:
        assert daily_runs["after"][table] == daily_runs["rebuilt"][table], table


def test_gmv_still_equals_the_oltp_after_the_daily_run(daily_runs):
    assert daily_runs["mismatches"] == []
