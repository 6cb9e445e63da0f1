"""`flywheel reco evaluate-intent`: the purchase-intent classifier on the UCI shoppers file.

The model lives in recommender/, which this package must not import: the command runs
`python -m recommender.intent evaluate` as a child, with the file path made absolute.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from transactional_api.cli.processes import run_module


def cmd_evaluate_intent(args: argparse.Namespace) -> int:
    forwarded = ["evaluate", "--data", str(Path(args.data).resolve()),
                 "--folds", str(args.folds), "--inner-folds", str(args.inner_folds),
                 "--seed", str(args.seed)]
    if args.json:
        forwarded.append("--json")
    return run_module("recommender.intent", *forwarded, env=dict(os.environ)).returncode


def add_intent(reco_subparsers: argparse._SubParsersAction) -> None:
    p = reco_subparsers.add_parser(
        "evaluate-intent",
        help="stratified k-fold CV of the calibrated purchase-intent classifier: accuracy, "
             "ROC-AUC, PR-AUC, F1, TPR, TNR, Brier beside a majority-class baseline")
    p.add_argument("--data", required=True, help="e.g. ../shared/data/online_shoppers_intention/"
                                                 "online_shoppers_intention.csv")
    p.add_argument("--folds", type=int, default=10, help="outer folds (default 10)")
    p.add_argument("--inner-folds", type=int, default=5,
                   help="calibration folds inside each training part, whose out-of-fold "
                        "predictions also pick the threshold (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="also print one JSON object, last")
    p.set_defaults(func=cmd_evaluate_intent)
