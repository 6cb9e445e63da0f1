"""`flywheel bench pipeline --events N [--json]`: the data pipeline at scale.

Runs `python -m pipelines.bench` (which lands N synthetic events in the relay's layout,
reads them once bare with DuckDB as the reference, then ingests and builds every day, then
one more day incrementally) on a fresh var dir, and watches the memory of the whole process
tree (the bench and its dbt) meanwhile. The figures are the child's; the peak memory is
measured here, by sampling every process of the tree.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

import psutil

from transactional_api.cli.processes import python_module, repo_root

_OWN_PATHS = ("DATABASE_URL", "LAKE_DIR", "WAREHOUSE_PATH", "REDIS_URL")


class PeakMemory:
    """Largest summed RSS of a process and its descendants, sampled every interval, per
    phase: the bench names its current phase in a file (generating events is not the
    pipeline's memory)."""

    def __init__(self, pid: int, phase_file: Path, interval: float = 0.1) -> None:
        self.pid, self.phase_file, self.interval = pid, phase_file, interval
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for proc in procs:
            # a process may end between the listing and the sample
            with contextlib.suppress(psutil.NoSuchProcess):
                total += proc.memory_info().rss
        return total

    def _phase(self) -> str:
        try:
            return self.phase_file.read_text().strip() or "start"
        except OSError:
            return "start"

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            phase, rss = self._phase(), self._sample()
            self.peaks[phase] = max(self.peaks.get(phase, 0), rss)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cmd_bench_pipeline(args: argparse.Namespace) -> int:
    import subprocess

    if args.events < 1:
        print("error: --events must be at least 1")
        return 2
    var = Path(tempfile.mkdtemp(prefix="flywheel-bench-pipeline-"))
    figures_path = var / "figures.json"
    env = {k: v for k, v in os.environ.items()
           if k.removeprefix("FLYWHEEL_") not in _OWN_PATHS}
    env["FLYWHEEL_VAR_DIR"] = str(var)
    phase_path = var / "phase"
    cmd = python_module("pipelines.bench", "--events", str(args.events), "--days",
                        str(args.days), "--seed", str(args.seed), "--figures",
                        str(figures_path), "--phase-file", str(phase_path),
                        "--warehouse", args.warehouse)
    print(f"bench pipeline: {args.events:,} events in a fresh var dir {var}", flush=True)
    try:
        proc = subprocess.Popen(cmd, env=env, cwd=repo_root())
        with PeakMemory(proc.pid, phase_path) as memory:
            returncode = proc.wait()
        if not figures_path.exists():
            print(f"the bench failed (exit {returncode})")
            return returncode or 1
        figures = json.loads(figures_path.read_text())
    finally:
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)
    peaks = {phase: rss / 2**20 for phase, rss in memory.peaks.items()}
    figures["peak_rss_mib_by_phase"] = peaks
    figures["peak_rss_mib"] = max(peaks.get("pipeline", 0), peaks.get("incremental", 0))
    print(f"peak memory of the process tree (bench + dbt), ingest and dbt build: "
          f"{figures['peak_rss_mib']:,.0f} MiB (landing the events: "
          f"{peaks.get('generate', 0):,.0f} MiB)")
    if args.json:
        print(json.dumps(figures, separators=(",", ":")), flush=True)
    return returncode


def add_bench_pipeline(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser(
        "pipeline", help="ingest + dbt build of N synthetic events, then one more day")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=30, help="days of history the events span")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--keep", action="store_true", help="keep the var dir (lake, warehouse)")
    p.add_argument("--warehouse", choices=("duckdb", "spark"), default="duckdb",
                   help="spark: the same builds on Spark too, both engines' figures")
    p.add_argument("--json", action="store_true",
                   help="also print the figures as one JSON object, last line")
    p.set_defaults(func=cmd_bench_pipeline)
