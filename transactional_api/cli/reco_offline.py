"""`flywheel reco evaluate`: the list models scored on the platform's own warehouse.

The models and the warehouse reader live in recommender/, which this package must not
import: the command runs `python -m recommender.offline` as a child, with the warehouse and
report paths resolved from the settings.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from transactional_api.cli.processes import run_module
from transactional_api.config import Settings


def cmd_reco_evaluate(args: argparse.Namespace) -> int:
    settings = Settings()
    report = Path(args.report) if args.report else settings.var_dir / "reports" / "reco_evaluate.md"
    forwarded = ["evaluate", "--k", str(args.k), "--test-fraction", str(args.test_fraction),
                 "--report", str(report.resolve())]
    if args.interactions:
        forwarded += ["--interactions", str(Path(args.interactions).resolve())]
        if args.orders:
            forwarded += ["--orders", str(Path(args.orders).resolve())]
    else:
        warehouse = Path(args.warehouse) if args.warehouse else settings.resolved_warehouse_path
        forwarded += ["--warehouse", str(warehouse.resolve())]
    if args.cut:
        forwarded += ["--cut", args.cut]
    if args.json:
        forwarded.append("--json")
    return run_module("recommender.offline", *forwarded, env=dict(os.environ)).returncode


def add_offline(reco_subparsers: argparse._SubParsersAction) -> None:
    p = reco_subparsers.add_parser(
        "evaluate", help="time-split HR/MRR/NDCG@K, coverage and popularity bias of every "
                         "list model beside popularity, on the warehouse")
    p.add_argument("--k", type=int, default=10, help="list length scored (default 10)")
    p.add_argument("--test-fraction", type=float, default=0.2,
                   help="share of the time span held out (default 0.2)")
    p.add_argument("--cut", default=None, metavar="ISO_TIME", help="split time instead")
    p.add_argument("--report", default=None,
                   help="markdown report (default <var>/reports/reco_evaluate.md)")
    p.add_argument("--warehouse", default=None, help="DuckDB file (default: the configured one)")
    p.add_argument("--interactions", default=None, metavar="PARQUET",
                   help="evaluate on this file instead of the warehouse")
    p.add_argument("--orders", default=None, metavar="PARQUET",
                   help="paid order lines, with --interactions")
    p.add_argument("--json", action="store_true", help="also print one JSON object, last")
    p.set_defaults(func=cmd_reco_evaluate)
