"""Daily partitions: which days a run of the dbt build recomputes.

A partition is a UTC day of occurred_at. A run for days [first, last] gives dbt the window
in the environment, FLYWHEEL_RUN_FROM=first and FLYWHEEL_RUN_TO=last (window_env), and each
day-keyed incremental model replaces the days [first - lookback_days, last]
(macros/incremental_window.sql), so events landing up to lookback_days late are counted in
their day. Not in --vars: dbt parses the whole project again whenever --vars change, which
a daily run cannot afford. A range of days (a backfill from the Dagster UI, or `flywheel
pipeline run --from D1 --to D2`) is one run (single-run backfill policy): one dbt
invocation, whatever the number of days.

A full build (every model over every day, no window) is a run tagged flywheel/full_build
over the days the lake holds: Dagster needs partitions on a run of partitioned assets (their
dbt tests report against them), dbt needs none.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import dagster as dg

# The first day a run can be asked for. Earlier events are still built by a full build.
FIRST_DAY = "2020-01-01"
# end_offset=1: today is a partition, so an hourly run can process the day so far.
DAILY = dg.DailyPartitionsDefinition(start_date=FIRST_DAY, end_offset=1)
SINGLE_RUN = dg.BackfillPolicy.single_run()
FULL_BUILD_TAG = "flywheel/full_build"


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from None


def day_range(run_from: str, run_to: str | None = None) -> tuple[str, str]:
    """Validated first and last partition keys of a run; a clear ValueError otherwise."""
    first = parse_day(run_from)
    last = parse_day(run_to) if run_to else first
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    lowest = date.fromisoformat(FIRST_DAY)
    highest = date.fromisoformat(DAILY.get_last_partition_key())
    if first < lowest or last > highest:
        raise ValueError(f"days must fall within {lowest} .. {highest} (today); "
                         "a full build (no --from) covers any other")
    return first.isoformat(), last.isoformat()


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags asking for one run over the partitions first..last."""
    return {
        "dagster/asset_partition_range_start": first,
        "dagster/asset_partition_range_end": last,
    }


WINDOW_ENV = ("FLYWHEEL_RUN_FROM", "FLYWHEEL_RUN_TO")


def window_env(window: Mapping[str, str] | None) -> dict[str, str]:
    """dbt's environment for a run over window's days (run_from, run_to) or, without one,
    every day: empty values, so a window left in the caller's environment cannot leak in."""
    if not window:
        return dict.fromkeys(WINDOW_ENV, "")
    return {WINDOW_ENV[0]: window["run_from"], WINDOW_ENV[1]: window["run_to"]}


# The generic tests a run with a window leaves to full builds: hundreds of them, each
# costing dbt some ten milliseconds whatever the rows. It keeps the primary-key (unique),
# composite-key, relationship, singular and custom tests; Dagster's own checks (paid orders
# and GMV equal to the OLTP's, freshness) run after every build.
FULL_BUILD_ONLY_TESTS = ("test_name:not_null", "test_name:accepted_values")


def dbt_build_args(window: Mapping[str, str] | None = None, *,
                   write_artifacts: bool = True) -> list[str]:
    """`dbt build` as every run invokes it (the window travels in window_env): with a
    window, without the FULL_BUILD_ONLY_TESTS. write_artifacts=False: no manifest.json
    and run_results.json, and only warnings in dbt.log, for a caller that reads dbt's events
    from its stdout (Dagster does): writing them and logging every query costs seconds a
    run on a project of this size."""
    args = ["build"]
    if not write_artifacts:
        args += ["--no-write-json", "--log-level-file", "warn"]
    if window:
        args += ["--exclude", " ".join(FULL_BUILD_ONLY_TESTS)]
    return args


def full_build_tags(first: str, last: str) -> dict[str, str]:
    return {**range_tags(first, last), FULL_BUILD_TAG: "true"}


def run_window(context: dg.AssetExecutionContext) -> dict[str, str] | None:
    """run_from/run_to of this run's partitions; None for a full build."""
    if context.run.tags.get(FULL_BUILD_TAG) == "true":
        return None
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    window = context.partition_time_window
    last = (window.end - timedelta(days=1)).date()
    return {"run_from": window.start.date().isoformat(), "run_to": last.isoformat()}


def days_of(paths: list[str]) -> tuple[str, str] | None:
    """First and last occurred day named by landed files' date=YYYY-MM-DD folders, clamped
    to the partitions (None when there is none)."""
    days = sorted({part.removeprefix("date=") for p in paths for part in p.split("/")
                   if part.startswith("date=")})
    if not days:
        return None
    lowest, highest = FIRST_DAY, DAILY.get_last_partition_key()
    first = min(max(days[0], lowest), highest)
    last = min(max(days[-1], lowest), highest)
    return first, last
