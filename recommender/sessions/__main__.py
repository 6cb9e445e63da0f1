"""`python -m recommender.sessions evaluate|tune`: run by `flywheel reco evaluate-sessions`.

The figures go to stdout (a table, and with --json one JSON object on the last line);
progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from recommender.sessions.data import build_index, load_sessions
from recommender.sessions.models import BASELINES, DEFAULT_MODELS, make_model
from recommender.sessions.replay import encode_test, evaluate, stderr_progress
from recommender.sessions.serve import Served, export_next_lists
from recommender.sessions.split import filter_test, last_day_split

SERVED_FROM = "vstan_sr"


def prepare(train_path: str, test_path: str | None):
    """(train frame, filtered test frame) following session-rec's protocol."""
    clicks = load_sessions(train_path)
    if test_path:
        train, test = clicks, load_sessions(test_path)
    else:
        train, test = last_day_split(clicks)
    index = build_index(train)
    return train, index, filter_test(test, index.item_ids)


def fit_models(names: list[str], index, progress=stderr_progress) -> dict:
    models = {}
    for name in names:
        progress(f"fitting {name}")
        if name == "served":
            source = models.get(SERVED_FROM) or make_model(SERVED_FROM).fit(index)
            models[name] = Served(export_next_lists(source, index), index)
        else:
            models[name] = make_model(name).fit(index)
    return models


def table(figures: dict[str, dict[str, float]]) -> str:
    head = (f"{'model':<12}{'HR@20':>8}{'MRR@20':>8}{'HR@10':>8}{'MRR@10':>8}"
            f"{'ms/pred':>9}{'preds':>8}")
    lines = [head, "-" * len(head)]
    for name, m in figures.items():
        lines.append(f"{name:<12}{m['hr@20']:>8.4f}{m['mrr@20']:>8.4f}{m['hr@10']:>8.4f}"
                     f"{m['mrr@10']:>8.4f}{m['ms_per_prediction']:>9.3f}{int(m['predictions']):>8}")
    return "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    train, index, test = prepare(args.train, args.test)
    sessions = encode_test(test, index)
    if not sessions:
        print("no test session left after removing unknown items and short sessions",
              file=sys.stderr)
        return 2
    names = list(BASELINES) + [m for m in (args.models or [*DEFAULT_MODELS, "served"])
                               if m not in BASELINES]
    try:
        models = fit_models(names, index)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    figures = evaluate(models, sessions, progress=stderr_progress)
    print(f"train: {len(train)} clicks, {index.n_sessions} sessions, {index.n_items} items; "
          f"test: {len(sessions)} sessions, {len(test)} clicks")
    print(table(figures))
    if args.json:
        print(json.dumps({
            "command": "evaluate-sessions",
            "split": "given test file" if args.test else "last day of the training file",
            "train_clicks": len(train), "train_sessions": index.n_sessions,
            "items": index.n_items, "test_sessions": len(sessions), "test_clicks": len(test),
            "predictions": next(iter(figures.values()))["predictions"],
            "seconds": round(time.perf_counter() - started, 3),
            "models": {name: {k: round(v, 6) for k, v in m.items()} for name, m in figures.items()},
        }))
    return 0


def cmd_tune(args: argparse.Namespace) -> int:
    from recommender.sessions.models import VSTAN_DEFAULTS
    from recommender.sessions.tuning import random_search

    _, index, test = prepare(args.train, None)  # never a test file: tuning sees training only
    sessions = encode_test(test, index)
    rows = random_search(index, sessions, iterations=args.iterations, seed=args.seed,
                         vstan=VSTAN_DEFAULTS if args.hybrid else None, report=stderr_progress)
    print(json.dumps({"command": "tune-sessions", "best": rows[:5]}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m recommender.sessions")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="session-rec replay of the baselines and models")
    ev.add_argument("--train", required=True, help="TSV: SessionId, ItemId, Time")
    ev.add_argument("--test", default=None, help="TSV test file (default: train's last day)")
    ev.add_argument("--models", nargs="+", default=None,
                    help="models beside the baselines (popularity, ar, sr always run): "
                         "vsknn vstan vstan_sr served")
    ev.add_argument("--json", action="store_true", help="last line: one JSON object")
    ev.set_defaults(func=cmd_evaluate)
    tune = sub.add_parser("tune", help="random search on the training file's own last day")
    tune.add_argument("--train", required=True)
    tune.add_argument("--iterations", type=int, default=40)
    tune.add_argument("--seed", type=int, default=13)
    tune.add_argument("--hybrid", action="store_true", help="tune SR weight and reminder")
    tune.set_defaults(func=cmd_tune)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
