"""`python -m pipelines.run`: materialize every asset once, in this process.

What `flywheel pipeline run` and `flywheel demo` call. Without --from the dbt build is a
full one (every day); with --from DAY [--to DAY] it is one run over those daily partitions
(a backfill): day-keyed incremental models recompute those days plus the lookback. Prints
one line per asset as it finishes and a row count per mart at the end; exits non-zero when
any step or dbt test fails, 2 on bad dates. Runs are recorded in $DAGSTER_HOME when set
(so `dagster dev` shows them), else in a throwaway instance.
"""

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.utils import make_new_run_id

from pipelines.definitions import defs
from pipelines.partitions import DAILY, day_range, days_of, full_build_tags, range_tags
from pipelines.resources import WarehouseResource
from transactional_api.config import Settings
from transactional_api.events.lake import landed_files

MARTS = (
    "fct_orders", "fct_order_items", "dim_users", "dim_products", "fct_daily_kpis",
    "fct_sessions", "fct_funnel_daily", "fct_product_interactions", "dim_user_tags",
    "dim_skus", "dim_warehouses", "fct_daily_stock_positions", "fct_stock_alerts",
    "fct_daily_searches", "fct_attribution", "fct_campaign_roi", "fct_product_abc",
    "fct_daily_revenue", "fct_customer_rfm", "fct_customer_lifetime_value",
    "fct_metric_anomalies",
    # promotions and coupons (issue 12)
    "fct_coupon_templates_daily", "fct_promotion_cost_daily", "fct_promotion_orders",
    "fct_price_floor_blocks_daily",
    # recommendations: exposure, clicks, attributed GMV, A/B (issue 13)
    "fct_recommendation_performance_daily", "fct_recommendation_ab_daily",
)


class Progress:
    """Event listener printing each asset materialization, failed check and failed step."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.materialized = 0
        self.failed_checks: list[str] = []

    def __call__(self, entry) -> None:
        event = entry.dagster_event
        if event is None:
            return
        elapsed = f"[{time.monotonic() - self.started:6.1f}s]"
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            self.materialized += 1
            print(f"{elapsed} materialized {event.asset_key.to_user_string()}", flush=True)
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                self.failed_checks.append(name)
                print(f"{elapsed} CHECK FAILED {name}", flush=True)
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            print(f"{elapsed} STEP FAILED {event.step_key}: {event.message}", flush=True)


def instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get() if os.getenv("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def mart_rows() -> dict[str, int | None]:
    counts: dict[str, int | None] = {}
    with WarehouseResource().connect(read_only=True) as conn:
        for mart in MARTS:
            try:
                counts[mart] = conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0]
            except Exception:  # a mart missing after a failed build is reported, not raised
                counts[mart] = None
    return counts


def lake_days() -> tuple[str, str]:
    """The partitions a full build is recorded against: the days the lake holds events of
    (today when it holds none)."""
    lake = Settings().resolved_lake_dir
    days = days_of([p.relative_to(lake).as_posix() for p in landed_files(lake)])
    return days or (DAILY.get_last_partition_key(),) * 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.run", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="show Dagster's own INFO logs")
    parser.add_argument(
        "--skip-features", action="store_true",
        help="do not publish anything to Redis: features, hot searches (for runs without "
        "FLYWHEEL_REDIS_URL)",
    )
    parser.add_argument(
        "--from", dest="run_from", metavar="YYYY-MM-DD",
        help="first day to (re)build (UTC); default: a full build of every day")
    parser.add_argument(
        "--to", dest="run_to", metavar="YYYY-MM-DD",
        help="last day to (re)build, inclusive (default: --from)")
    args = parser.parse_args(argv)
    tags: dict[str, str] = {}
    if args.run_to and not args.run_from:
        parser.error("--to needs --from")
    if args.run_from:
        try:
            first, last = day_range(args.run_from, args.run_to)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        tags = range_tags(first, last)
        print(f"days {first} .. {last} (plus the dbt lookback)", flush=True)
    else:
        tags = full_build_tags(*lake_days())
    selection = None
    if args.skip_features:
        graph = defs.resolve_asset_graph()
        # Every asset that writes Redis says so with its kind.
        selection = [k for k in graph.get_all_asset_keys()
                     if graph.get(k).is_executable and "redis" not in graph.get(k).kinds]

    job = defs.resolve_job_def("flywheel_job")
    run_id = make_new_run_id()
    progress = Progress()
    with instance() as dagster_instance:
        dagster_instance.add_event_listener(run_id, progress)
        level = "INFO" if args.verbose else "WARNING"
        if not args.verbose:
            # A daily run leaves some dbt tests to full builds (pipelines/partitions.py), and
            # Dagster warns once for each check that did not run: hundreds of lines.
            logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)
        result = job.execute_in_process(
            instance=dagster_instance,
            run_id=run_id,
            raise_on_error=False,
            asset_selection=selection,
            tags=tags,
            run_config={"loggers": {"console": {"config": {"log_level": level}}}},
        )
    elapsed = time.monotonic() - progress.started
    status = "succeeded" if result.success else "FAILED"
    print(f"pipeline {status} in {elapsed:.1f}s: {progress.materialized} assets materialized")
    try:
        for mart, rows in mart_rows().items():
            print(f"  marts.{mart:<26} {'missing' if rows is None else rows}")
    except Exception as exc:  # the summary must never hide the run's own outcome
        print(f"  (could not read the warehouse: {exc})")
    if progress.failed_checks:
        print(f"failed checks: {', '.join(progress.failed_checks)}")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
