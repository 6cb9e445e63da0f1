"""When the pipeline runs: hourly for today, and as soon as new files land in the lake, for
the days they carry events of."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES

from pipelines.partitions import DAILY, days_of, range_tags
from transactional_api.config import Settings
from transactional_api.events.lake import landed_files

flywheel_job = dg.define_asset_job(
    "flywheel_job",
    selection=dg.AssetSelection.all(),
    description=(
        "Ingest -> dbt build -> recommender -> publish, every asset once. With a day (or a "
        "range of days, one run) the dbt build recomputes those days plus the lookback; "
        "without, every day."
    ),
)


@dg.schedule(
    name="flywheel_hourly", job=flywheel_job, cron_schedule="0 * * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def hourly_schedule(context: dg.ScheduleEvaluationContext):
    """Today's partition, every hour (the lookback picks up what arrived late)."""
    when = context.scheduled_execution_time or datetime.now(UTC)
    day = when.astimezone(UTC).date().isoformat()
    return dg.RunRequest(run_key=f"{day}@{when.isoformat()}", partition_key=day)


def newest_landed_file(lake: Path) -> str | None:
    """Lake-relative path of the most recently landed file.

    Files are named part-<UTC timestamp>-<uuid>, so the greatest file name across all
    partitions is the newest, whatever its event type or date folder.
    """
    files = landed_files(lake)
    if not files:
        return None
    return max(files, key=lambda p: (p.name, str(p))).relative_to(lake).as_posix()


def files_after(lake: Path, cursor: str | None) -> list[str]:
    """Lake-relative paths of the files landed after the cursor's file (all without one)."""
    after = Path(cursor).name if cursor else ""
    return [p.relative_to(lake).as_posix() for p in landed_files(lake) if p.name > after]


@dg.sensor(
    name="new_lake_files",
    job=flywheel_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Runs the pipeline when a file newer than the last one seen lands in the lake, for "
        "the range of days the new files hold events of (one run)."
    ),
)
def new_lake_files_sensor(context: dg.SensorEvaluationContext):
    running = context.instance.get_run_records(
        dg.RunsFilter(job_name=flywheel_job.name, statuses=list(IN_PROGRESS_RUN_STATUSES)),
        limit=1,
    )
    if running:
        # One writer per warehouse file: wait, keeping the cursor, so the files are not lost.
        return dg.SkipReason("a pipeline run is in progress")
    lake = Settings().resolved_lake_dir
    newest = newest_landed_file(lake)
    if newest is None:
        return dg.SkipReason("the lake is empty")
    if context.cursor and Path(newest).name <= Path(context.cursor).name:
        return dg.SkipReason(f"nothing newer than {context.cursor}")
    days = days_of(files_after(lake, context.cursor))
    context.update_cursor(newest)
    first, last = days or (DAILY.get_last_partition_key(),) * 2
    return dg.RunRequest(run_key=newest, tags=range_tags(first, last))
