"""`python -m recommender.intent evaluate --data FILE` (what `flywheel reco evaluate-intent` runs).

Prints per-fold and mean ± std figures of the calibrated classifier beside the majority
class; progress goes to stderr; with --json, one JSON object is the last line.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

from recommender.intent.evaluate import METRICS, cross_validate_intent

TARGETS = {"roc_auc": 0.93, "pr_auc": 0.75, "f1": 0.68}


def _at_least(minimum: int):
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value
    return parse


def report(result: dict) -> str:
    lines = [f"{result['rows']:,} sessions, buyer rate {result['buyer_rate']:.4f}; stratified "
             f"{result['folds']}-fold CV (seed {result['seed']}), threshold and calibration "
             f"from {result['inner_folds']} folds inside each training part"]
    header = "fold  " + " ".join(f"{m:>9}" for m in METRICS) + "  threshold"
    lines.append(header)
    for fold in result["per_fold"]:
        lines.append(f"{fold['fold']:>4}  " + " ".join(
            f"{fold['model'][m]:>9.4f}" for m in METRICS) + f"  {fold['threshold']:>9.3f}")
    for name in ("model", "majority"):
        summary = result[name]
        lines.append(f"{name:<9} " + "  ".join(
            f"{m}={summary[m]['mean']:.4f}±{summary[m]['std']:.4f}" for m in METRICS))
    for metric, target in TARGETS.items():
        got = result["model"][metric]["mean"]
        verdict = "met" if got >= target else f"missed by {target - got:.4f}"
        lines.append(f"target {metric} >= {target}: {got:.4f} ({verdict})")
    return "\n".join(lines)


def _finite(value):
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recommender.intent")
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", help="cross-validate on a UCI-format CSV")
    evaluate.add_argument("--data", required=True)
    evaluate.add_argument("--folds", type=_at_least(2), default=10)
    evaluate.add_argument("--inner-folds", type=_at_least(2), default=5)
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    path = Path(args.data)
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    try:
        result = cross_validate_intent(
            pd.read_csv(path), folds=args.folds, seed=args.seed, inner_folds=args.inner_folds,
            progress=lambda line: print(line, file=sys.stderr, flush=True))
    except ValueError as exc:  # missing columns, too few rows of a class for the folds
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report(result), flush=True)
    if args.json:
        result["targets"] = TARGETS
        print(json.dumps(_finite(result), separators=(",", ":")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
