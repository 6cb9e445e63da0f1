"""`python -m pipelines.bench`: the pipeline at scale, the work behind `flywheel bench pipeline`.

In the var dir FLYWHEEL_VAR_DIR names (a fresh one, made by the CLI):
1. lands N synthetic events over --days days in the relay's layout (synthetic_events.py);
2. reference: a bare DuckDB read of the same files (count by day, explicit columns);
3. full pipeline: ingest (bulk read + compaction) and `dbt build` of every day, on an
   empty shop's OLTP snapshot, from a `dbt parse` made beforehand as the Dagster
   definitions make it when they load; events per second, per-model times (from dbt's
   JSON events, as Dagster reads them);
4. one more day at 1% of the history, with a few events of two days before it arriving
   late, then the daily run for that day: ingest and `dbt build` with the window
   FLYWHEEL_RUN_FROM/TO in its environment, as the Dagster asset runs it; its time as a
   ratio to the full build's, and a check that every event was counted once.
Writes the figures as JSON to --figures, and its phase (generate, reference, pipeline,
append, incremental) to --phase-file, so the CLI can tell the pipeline's peak memory from
the generator's.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import duckdb

from pipelines.ingest.compaction import JSON_COLUMNS
from pipelines.ingest.events import load_new_files
from pipelines.ingest.oltp import read_oltp, write_snapshot
from pipelines.partitions import dbt_build_args, window_env
from pipelines.synthetic_events import default_start, land_synthetic
from pipelines.warehouse.bench import SparkBench
from pipelines.warehouse.bench import print_figures as print_spark
from transactional_api.config import Settings

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"


class Clock:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:7.1f}s] {message}", flush=True)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (dbt): load-independent."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def reference_read(lake: Path) -> tuple[float, int]:
    """Seconds for DuckDB to count the landed events by day, and the days it saw."""
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in JSON_COLUMNS.items()) + "}"
    started = time.perf_counter()
    with duckdb.connect() as conn:
        rows = conn.execute(
            f"SELECT CAST(occurred_at AS DATE) AS day, count(*) FROM read_json("
            f"'{lake}/*/date=*/part-*.jsonl', format = 'newline_delimited', "
            f"columns = {columns}) GROUP BY 1").fetchall()
    return time.perf_counter() - started, len(rows)


def dbt_env(var: Path, warehouse: Path, window: dict | None) -> dict[str, str]:
    return {**os.environ, "FLYWHEEL_WAREHOUSE_PATH": str(warehouse),
            "DBT_TARGET_PATH": str(var / "dbt-target"), "DBT_LOG_PATH": str(var / "dbt-logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **window_env(window)}


def dbt_parse(var: Path, warehouse: Path) -> float:
    """`dbt parse`, as the Dagster definitions do once when they load (pipelines/transform/
    dbt.py); the builds then start from that parse, as each Dagster run does. Seconds."""
    dbt = Path(sys.executable).with_name("dbt")
    started = time.perf_counter()
    subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT),
                    "--project-dir", str(DBT_PROJECT)], cwd=DBT_PROJECT,
                   env=dbt_env(var, warehouse, None), check=True)
    return time.perf_counter() - started


def run_dbt(var: Path, warehouse: Path, window: dict | None, clock: Clock) -> dict:
    """`dbt build` as the Dagster asset runs it: the window in the environment, dbt's events
    as JSON lines on stdout (which Dagster reads instead of dbt's JSON artifacts), with
    progress; seconds and per-node times."""
    env = {**dbt_env(var, warehouse, window), "DBT_LOG_FORMAT": "json"}
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *dbt_build_args(window, write_artifacts=False),
           "--profiles-dir", str(DBT_PROJECT), "--project-dir", str(DBT_PROJECT)]
    started, shown, tail = time.perf_counter(), 0.0, []
    first_node, nodes, models, tests = None, 0, {}, []
    with subprocess.Popen(cmd, cwd=DBT_PROJECT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as proc:
        for line in proc.stdout:  # type: ignore[union-attr]
            try:
                event = json.loads(line)
            except ValueError:
                tail = [*tail[-30:], line.rstrip()]
                continue
            tail = [*tail[-30:], event["info"]["msg"]]
            name, data = event["info"]["name"], event["data"]
            if name == "ConcurrencyLine":  # what dbt spent before: start-up, reading its parse
                first_node, nodes = time.perf_counter(), data["node_count"]
            elif name in ("LogModelResult", "LogTestResult"):
                if name == "LogModelResult":
                    models[data["node_info"]["node_name"]] = data["execution_time"]
                else:
                    tests.append(data["execution_time"])
                if time.perf_counter() - shown > 5:
                    shown = time.perf_counter()
                    clock.say(f"  dbt {len(models) + len(tests)}/{nodes} nodes done")
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        print("\n".join(tail), file=sys.stderr)
        raise SystemExit(f"dbt build failed (exit {proc.returncode})")
    return {"seconds": seconds, "startup_seconds": (first_node or started) - started,
            "models": dict(sorted(models.items(), key=lambda m: -m[1])),
            "tests": {"count": len(tests), "seconds": sum(tests)}}


def ingest(lake: Path, warehouse: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with duckdb.connect(str(warehouse)) as conn:
        result = load_new_files(conn, lake)
    return time.perf_counter() - started, result.rows


def counted_events(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute("SELECT count(*) FROM staging.stg_flywheel__events").fetchone()[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--figures", type=Path, required=True)
    parser.add_argument("--phase-file", type=Path, default=None)
    parser.add_argument("--warehouse", choices=("duckdb", "spark"), default="duckdb",
                        help="spark: also the same builds on Spark (pipelines/warehouse)")
    args = parser.parse_args(argv)

    def phase(name: str) -> None:
        if args.phase_file:
            args.phase_file.write_text(name)

    settings = Settings()
    var, lake = settings.var_dir.resolve(), settings.resolved_lake_dir
    warehouse = settings.resolved_warehouse_path
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    clock = Clock()

    phase("generate")
    clock.say(f"landing {args.events:,} events over {args.days} days in {lake}")
    t0 = time.perf_counter()
    landed = land_synthetic(lake, args.events, start=default_start(args.days),
                            days=args.days, seed=args.seed)
    generated = time.perf_counter() - t0
    clock.say(f"landed {landed.files:,} files ({landed.first_day} .. {landed.last_day}) "
              f"in {generated:.1f}s")
    phase("reference")
    ref_seconds, ref_days = reference_read(lake)
    clock.say(f"reference: bare DuckDB read, count by day ({ref_days} days): "
              f"{ref_seconds:.1f}s")
    with duckdb.connect(str(warehouse)) as conn:  # an empty shop: the marts need the tables
        write_snapshot(conn, read_oltp(settings.resolved_database_url))
    parse_s = dbt_parse(var, warehouse)
    clock.say(f"dbt parse, once, as Dagster does when it loads (not in the pipeline's time): "
              f"{parse_s:.1f}s")

    phase("pipeline")
    cpu0 = cpu_seconds()
    ingest_s, rows = ingest(lake, warehouse)
    clock.say(f"ingest: {rows:,} events in {ingest_s:.1f}s ({rows / ingest_s:,.0f}/s)")
    clock.say("dbt build, every day")
    full = run_dbt(var, warehouse, None, clock)
    full_s = ingest_s + full["seconds"]
    full_cpu = cpu_seconds() - cpu0
    clock.say(f"dbt build: {full['seconds']:.1f}s; pipeline {full_s:.1f}s, "
              f"{args.events / full_s:,.0f} events/s, {full_cpu:.0f} CPU-s")
    spark = SparkBench(settings) if args.warehouse == "spark" else None
    if spark:
        phase("spark")  # its own peak memory, not the DuckDB pipeline's
        spark.build(None, clock.say)

    new_day = landed.last_day + timedelta(days=1)
    day_events, late_events = max(1, args.events // 100), max(1, args.events // 10_000)
    phase("append")
    day = land_synthetic(lake, day_events, start=new_day, days=1, seed=args.seed + 1,
                         id_prefix="day", late_share=0.0)
    # Events of two days before, reaching the lake with the new day's files.
    land_synthetic(lake, late_events, start=new_day - timedelta(days=2), days=1,
                   seed=args.seed + 2, id_prefix="late", late_share=1.0)
    clock.say(f"one more day ({new_day}): {day_events:,} events, {late_events} late ones")
    phase("incremental")
    cpu0 = cpu_seconds()
    inc_ingest_s, _ = ingest(lake, warehouse)
    # The days the new files hold (the day's last sessions run past midnight), as the
    # sensor asks for them; the late events' day is in the lookback.
    window = {"run_from": new_day.isoformat(), "run_to": day.last_day.isoformat()}
    inc = run_dbt(var, warehouse, window, clock)
    inc_s = inc_ingest_s + inc["seconds"]
    inc_cpu = cpu_seconds() - cpu0
    if spark:
        phase("spark")
        spark.build(window, clock.say)
    counted = counted_events(warehouse)
    expected = args.events + day_events + late_events
    phase("done")
    figures = {
        "bench": "pipeline", "events": args.events, "days": args.days,
        "files": landed.files, "generate_seconds": generated,
        "reference": "bare DuckDB read_json of the landed files, count by day",
        "reference_seconds": ref_seconds,
        "ingest_seconds": ingest_s, "dbt_seconds": full["seconds"],
        "dbt_startup_seconds": full["startup_seconds"], "dbt_parse_seconds": parse_s,
        "pipeline_seconds": full_s, "pipeline_cpu_seconds": full_cpu,
        "events_per_second": args.events / full_s,
        "ratio_to_reference": full_s / ref_seconds,
        "models_seconds": dict(list(full["models"].items())[:25]), "tests": full["tests"],
        "incremental": {
            "day": new_day.isoformat(), "events": day_events, "late_events": late_events,
            "ingest_seconds": inc_ingest_s, "dbt_seconds": inc["seconds"],
            "dbt_startup_seconds": inc["startup_seconds"], "tests": inc["tests"],
            "seconds": inc_s, "cpu_seconds": inc_cpu, "ratio_to_full": inc_s / full_s,
            "models_seconds": dict(list(inc["models"].items())[:10]),
        },
        "events_counted": counted, "events_expected": expected,
    }
    if spark:
        figures["spark"] = spark.figures([full["seconds"], inc["seconds"]])
    _print(figures)
    if spark:
        print_spark(figures["spark"])
    args.figures.write_text(json.dumps(figures))
    return 0 if counted == expected else 1


def _print(f: dict) -> None:
    print(f"\n{f['events']:,} events, {f['files']:,} landed files, {f['days']} days")
    print(f"  reference (bare DuckDB read, count by day) {f['reference_seconds']:8.1f}s")
    print(f"  dbt parse (once, when Dagster loads)       {f['dbt_parse_seconds']:8.1f}s  "
          "(not in the pipeline's time)")
    print(f"  ingest (bulk read + Parquet compaction)    {f['ingest_seconds']:8.1f}s")
    print(f"  dbt build (every day)                      {f['dbt_seconds']:8.1f}s  "
          f"(of which start-up and parsing {f['dbt_startup_seconds']:.1f}s)")
    print(f"  pipeline                                   {f['pipeline_seconds']:8.1f}s  "
          f"{f['events_per_second']:,.0f} events/s  {f['ratio_to_reference']:.2f}x reference"
          f"  {f['pipeline_cpu_seconds']:.0f} CPU-s")
    print("  slowest models:")
    for name, seconds in list(f["models_seconds"].items())[:10]:
        print(f"    {name:44} {seconds:7.2f}s")
    print(f"    {f['tests']['count']} dbt tests together  {f['tests']['seconds']:7.2f}s")
    inc = f["incremental"]
    print(f"one more day ({inc['day']}, {inc['events']:,} events + {inc['late_events']} late):")
    print(f"  ingest {inc['ingest_seconds']:.1f}s + dbt build {inc['dbt_seconds']:.1f}s "
          f"(start-up and parsing {inc['dbt_startup_seconds']:.1f}s) = {inc['seconds']:.1f}s"
          f"  ({inc['ratio_to_full']:.3f}x the full build, {inc['cpu_seconds']:.0f} CPU-s)")
    print(f"  {inc['tests']['count']} of the {f['tests']['count']} dbt tests (the not-null and "
          "accepted-values tests are left to full builds)")
    status = "ok" if f["events_counted"] == f["events_expected"] else "MISMATCH"
    print(f"  events counted once: {f['events_counted']:,} of {f['events_expected']:,} "
          f"({status})")


if __name__ == "__main__":
    sys.exit(main())
