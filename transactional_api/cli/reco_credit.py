"""`flywheel reco evaluate-credit`: the credit score's ROC-AUC on a time-based hold-out of
simulated shopper histories, beside the API's rules alone, with a PNG of both ROC curves.

The model lives in pipelines/, which this package must not import: the command runs
`python -m pipelines.ml.credit_evaluation` as a child, with the chart path resolved from
the settings.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from transactional_api.cli.processes import run_module
from transactional_api.config import Settings


def cmd_evaluate_credit(args: argparse.Namespace) -> int:
    chart = Path(args.chart) if args.chart else Settings().var_dir / "reports" / "credit_roc.png"
    forwarded = ["--users", str(args.users), "--seed", str(args.seed),
                 "--chart", str(chart.resolve())]
    if args.json:
        forwarded.append("--json")
    return run_module("pipelines.ml.credit_evaluation", *forwarded,
                      env=dict(os.environ)).returncode


def add_credit(reco_subparsers: argparse._SubParsersAction) -> None:
    p = reco_subparsers.add_parser(
        "evaluate-credit",
        help="credit score ROC-AUC ('a bill goes overdue in the next 30 days') on a "
             "time-based hold-out of simulated histories, beside the rules-only baseline")
    p.add_argument("--users", type=int, default=3000,
                   help="simulated shoppers (default 3000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--chart", default=None,
                   help="PNG of the ROC curves (default <var>/reports/credit_roc.png)")
    p.add_argument("--json", action="store_true", help="also print one JSON object, last")
    p.set_defaults(func=cmd_evaluate_credit)
