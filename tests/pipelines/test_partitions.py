"""Daily partitions: which days a run asks dbt for, from the CLI, the sensor and schedule."""

from datetime import UTC, date, datetime

import dagster as dg
import pytest

from pipelines import run
from pipelines.automation import hourly_schedule, new_lake_files_sensor
from pipelines.definitions import defs
from pipelines.partitions import (
    DAILY,
    FIRST_DAY,
    SINGLE_RUN,
    day_range,
    days_of,
    dbt_build_args,
    full_build_tags,
    range_tags,
    run_window,
    window_env,
)
from transactional_api.cli.main import build_parser
from transactional_api.events import contract as c
from transactional_api.events.lake import land


def test_day_range_validates_dates():
    assert day_range("2025-03-01", "2025-03-03") == ("2025-03-01", "2025-03-03")
    assert day_range("2025-03-01") == ("2025-03-01", "2025-03-01")  # --to defaults to --from
    with pytest.raises(ValueError, match="before"):
        day_range("2025-03-03", "2025-03-01")
    with pytest.raises(ValueError, match="not a date"):
        day_range("2025-02-30")
    with pytest.raises(ValueError, match="within"):
        day_range("2019-12-31")  # before the first partition
    with pytest.raises(ValueError, match="within"):
        day_range("2025-03-01", "2999-01-01")  # after today


def test_pipeline_run_refuses_bad_dates_before_running_anything(capsys):
    assert run.main(["--from", "2025-03-05", "--to", "2025-03-01"]) == 2
    assert "before" in capsys.readouterr().err
    parser = build_parser()
    with pytest.raises(SystemExit) as exc:  # the CLI's own parser says it first
        parser.parse_args(["pipeline", "run", "--from", "2025-13-01"])
    assert exc.value.code == 2
    args = parser.parse_args(["pipeline", "run", "--from", "2025-03-01", "--to", "2025-03-04"])
    assert (args.run_from, args.run_to) == ("2025-03-01", "2025-03-04")


def _captured_window(tags: dict[str, str]) -> dict | None:
    """run_window as a partitioned asset sees it in a run with these tags."""
    seen = {}

    @dg.asset(partitions_def=DAILY, backfill_policy=SINGLE_RUN)
    def probe(context: dg.AssetExecutionContext) -> None:
        seen["window"] = run_window(context)

    assert dg.materialize([probe], tags=tags).success
    return seen["window"]


def test_a_range_of_days_becomes_the_window_in_dbts_environment():
    window = _captured_window(range_tags("2025-03-01", "2025-03-03"))
    assert window == {"run_from": "2025-03-01", "run_to": "2025-03-03"}
    assert window_env(window) == {"FLYWHEEL_RUN_FROM": "2025-03-01",
                                  "FLYWHEEL_RUN_TO": "2025-03-03"}
    assert _captured_window(range_tags("2025-03-02", "2025-03-02")) == {
        "run_from": "2025-03-02", "run_to": "2025-03-02"}
    assert _captured_window(full_build_tags("2025-03-01", "2025-03-03")) is None
    # a full build blanks the variables, so a window left in the environment cannot leak in
    assert window_env(None) == {"FLYWHEEL_RUN_FROM": "", "FLYWHEEL_RUN_TO": ""}
    # never --vars: changed vars make dbt parse the whole project again
    assert "--vars" not in dbt_build_args()


def test_days_of_files_are_their_date_folders_clamped_to_the_partitions():
    today = DAILY.get_last_partition_key()
    assert days_of(["page_view/date=2025-03-04/part-1.jsonl",
                    "order_paid/date=2025-03-02/part-2.jsonl"]) == ("2025-03-02", "2025-03-04")
    assert days_of(["page_view/date=2001-01-01/p.jsonl"]) == (FIRST_DAY, FIRST_DAY)
    assert days_of(["page_view/date=2999-01-01/p.jsonl"]) == (today, today)
    assert days_of([]) is None


def test_the_sensor_asks_for_the_days_of_the_new_files(flywheel_env):
    lake = flywheel_env.resolved_lake_dir

    def view(day):
        return c.to_record(c.PageView(occurred_at=datetime(2025, 3, day, 12, tzinfo=UTC),
                                      anonymous_id="a", payload={"page": "/"}))
    land(lake, [view(2), view(4)])  # two date folders, one landing
    instance = dg.DagsterInstance.ephemeral()
    with dg.build_sensor_context(instance=instance) as ctx:
        request = new_lake_files_sensor.evaluate_tick(ctx).run_requests[0]
    assert range_tags("2025-03-02", "2025-03-04").items() <= request.tags.items()
    cursor = request.run_key

    land(lake, [view(3)])  # a late event of 03-03: only its day is new
    with dg.build_sensor_context(instance=instance, cursor=cursor) as ctx:
        request = new_lake_files_sensor.evaluate_tick(ctx).run_requests[0]
    assert range_tags("2025-03-03", "2025-03-03").items() <= request.tags.items()


def test_the_hourly_schedule_runs_the_day_it_fires_on():
    at = datetime(2025, 3, 4, 17, 0, tzinfo=UTC)
    schedule = defs.resolve_schedule_def(hourly_schedule.name)
    with dg.build_schedule_context(scheduled_execution_time=at,
                                   repository_def=defs.get_repository_def()) as ctx:
        request = schedule.evaluate_tick(ctx).run_requests[0]
    assert request.partition_key == "2025-03-04"
    assert date.fromisoformat(request.partition_key) >= date.fromisoformat(FIRST_DAY)



def test_a_daily_run_leaves_the_not_null_and_accepted_values_tests_to_full_builds():
    window = {"run_from": "2025-03-01", "run_to": "2025-03-01"}
    assert dbt_build_args(window) == [
        "build", "--exclude", "test_name:not_null test_name:accepted_values"]
    assert dbt_build_args(None) == ["build"]  # a full build runs every test
    # Dagster reads dbt's events from its stdout: no JSON artifacts, no debug log
    assert dbt_build_args(None, write_artifacts=False) == [
        "build", "--no-write-json", "--log-level-file", "warn"]
