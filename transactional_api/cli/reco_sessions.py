"""`flywheel reco evaluate-sessions`: session-based next-item models under session-rec's protocol.

The models live in recommender/, which this package must not import: the command runs
`python -m recommender.sessions evaluate` as a child, with the file paths made absolute.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from transactional_api.cli.processes import run_module

SESSION_MODELS = ("vsknn", "vstan", "vstan_sr", "served")


def cmd_evaluate_sessions(args: argparse.Namespace) -> int:
    forwarded = ["evaluate", "--train", str(Path(args.train).resolve())]
    if args.test:
        forwarded += ["--test", str(Path(args.test).resolve())]
    if args.models:
        forwarded += ["--models", *args.models]
    if args.json:
        forwarded.append("--json")
    return run_module("recommender.sessions", *forwarded, env=dict(os.environ)).returncode


def add_sessions(reco_subparsers: argparse._SubParsersAction) -> None:
    p = reco_subparsers.add_parser(
        "evaluate-sessions",
        help="replay click sessions (TSV SessionId, ItemId, Time): HR@20/MRR@20/HR@10/MRR@10 "
             "and ms per prediction of the session models beside popularity, AR and SR")
    p.add_argument("--train", required=True, help="e.g. ../shared/data/yoochoose_sample/"
                                                  "yoochoose-clicks-100k_train_full.txt")
    p.add_argument("--test", default=None,
                   help="test TSV (default: sessions ending in the training file's last day)")
    p.add_argument("--models", nargs="+", choices=SESSION_MODELS, default=None,
                   help="models beside the always-run baselines (default: all)")
    p.add_argument("--json", action="store_true", help="also print one JSON object, last")
    p.set_defaults(func=cmd_evaluate_sessions)
