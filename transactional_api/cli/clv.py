"""`flywheel clv fit PATH`: BG/NBD and Gamma-Gamma on a CDNOW-format file.

The models live on the data side (pipelines/clv/), which this package must not import: the
command runs `python -m pipelines.clv` as a child, as `flywheel pipeline run` does.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from transactional_api.cli.processes import run_module


def cmd_clv_fit(args: argparse.Namespace) -> int:
    forwarded = ["fit", str(Path(args.path).resolve()),
                 "--period-days", str(args.period_days)]
    if args.calibration_end:
        forwarded += ["--calibration-end", args.calibration_end]
    if args.json:
        forwarded.append("--json")
    return run_module("pipelines.clv", *forwarded, env=dict(os.environ)).returncode


def add_clv(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("clv", help="customer lifetime value models")
    kinds = p.add_subparsers(dest="clv_command", required=True, metavar="COMMAND")
    fit = kinds.add_parser(
        "fit", help="fit BG/NBD and Gamma-Gamma on a CDNOW-format file, print parameters "
                    "and log-likelihoods")
    fit.add_argument("path", help="e.g. ../shared/data/cdnow/CDNOW_sample.txt")
    fit.add_argument("--calibration-end", default=None, metavar="YYYY-MM-DD",
                     help="last day of the calibration period (default 1997-09-30)")
    fit.add_argument("--period-days", type=float, default=7.0,
                     help="days per time unit (default 7: weeks)")
    fit.add_argument("--json", action="store_true", help="also print one JSON object, last")
    fit.set_defaults(func=cmd_clv_fit)
