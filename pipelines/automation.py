"""When the pipeline runs: hourly, and as soon as new files land in the lake."""

from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES

from transactional_api.config import Settings
from transactional_api.events.lake import landed_files

flywheel_job = dg.define_asset_job(
    "flywheel_job",
    selection=dg.AssetSelection.all(),
    description="Ingest -> dbt build -> recommender -> publish, every asset once.",
)

hourly_schedule = dg.ScheduleDefinition(
    name="flywheel_hourly", job=flywheel_job, cron_schedule="0 * * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)


def newest_landed_file(lake: Path) -> str | None:
    """Lake-relative path of the most recently landed file.

    Files are named part-<UTC timestamp>-<uuid>, so the greatest file name across all
    partitions is the newest, whatever its event type or date folder.
    """
    files = landed_files(lake)
    if not files:
        return None
    return max(files, key=lambda p: (p.name, str(p))).relative_to(lake).as_posix()


@dg.sensor(
    name="new_lake_files",
    job=flywheel_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Runs the pipeline when a file newer than the last one seen lands in the lake.",
)
def new_lake_files_sensor(context: dg.SensorEvaluationContext):
    running = context.instance.get_run_records(
        dg.RunsFilter(job_name=flywheel_job.name, statuses=list(IN_PROGRESS_RUN_STATUSES)),
        limit=1,
    )
    if running:
        # One writer per warehouse file: wait, keeping the cursor, so the files are not lost.
        return dg.SkipReason("a pipeline run is in progress")
    newest = newest_landed_file(Settings().resolved_lake_dir)
    if newest is None:
        return dg.SkipReason("the lake is empty")
    if context.cursor and Path(newest).name <= Path(context.cursor).name:
        return dg.SkipReason(f"nothing newer than {context.cursor}")
    context.update_cursor(newest)
    return dg.RunRequest(run_key=newest)
