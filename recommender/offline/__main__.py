"""`python -m recommender.offline evaluate` (what `flywheel reco evaluate` runs).

Prints a table of figures per model; with --json, one JSON object as the last line. Exit 2
when the warehouse (or an input file) is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from recommender.offline import report
from recommender.offline.evaluate import evaluate
from recommender.offline.warehouse import WarehouseMissing, from_parquet, load


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flywheel reco")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("evaluate", help="time-split evaluation of every list model")
    p.add_argument("--warehouse", type=Path, help="DuckDB file holding the marts")
    p.add_argument("--interactions", type=Path, help="parquet shaped like "
                   "marts.fct_product_interactions, instead of the warehouse")
    p.add_argument("--orders", type=Path, help="parquet of paid order lines (order_id, "
                   "product_id, user_id, ordered_at), with --interactions")
    p.add_argument("--k", type=_positive_int, default=10)
    p.add_argument("--test-fraction", type=_fraction, default=0.2,
                   help="share of the time span held out for testing (default 0.2)")
    p.add_argument("--cut", type=datetime.fromisoformat, default=None,
                   help="ISO time of the split instead of --test-fraction")
    p.add_argument("--report", type=Path, default=None, help="markdown report path")
    p.add_argument("--json", action="store_true", help="also print one JSON object, last")
    return parser


def table(result: dict) -> str:
    k = result["k"]
    columns = [f"hr@{k}", f"mrr@{k}", f"ndcg@{k}", "coverage", "popularity_bias"]
    lines = [f"{'model':<18}" + "".join(f"{c:>16}" for c in columns)]
    for name, figures in result["models"].items():
        lines.append(f"{name:<18}" + "".join(f"{figures[c]:>16.4f}" for c in columns))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.interactions is not None:
            frames = from_parquet(args.interactions, args.orders)
        elif args.warehouse is not None:
            frames = load(args.warehouse)
        else:
            raise WarehouseMissing("give --warehouse PATH or --interactions PARQUET")
        result = evaluate(
            frames.interactions,
            orders=frames.orders,
            segments=frames.segments,
            regions=frames.regions,
            catalog_size=frames.catalog_size,
            k=args.k,
            cut=args.cut,
            test_fraction=args.test_fraction,
        )
    except WarehouseMissing as exc:
        print(f"flywheel reco evaluate: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # e.g. no interactions, or none before the cut
        print(f"flywheel reco evaluate: {exc}", file=sys.stderr)
        return 2
    print(table(result))
    if args.report is not None:
        path = report.write(result, args.report)
        result["report"] = str(path)
        print(f"report written to {path}")
    if args.json:
        print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
