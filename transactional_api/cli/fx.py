"""`flywheel fx load-rates FILE.csv`: exchange rates (date, base, quote, rate) into the
database the settings name; prints progress, then a JSON summary. Rerunning the same file
changes nothing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from transactional_api.cli.members import _sessions
from transactional_api.config import Settings
from transactional_api.core.errors import DomainError
from transactional_api.markets.fx_loader import load_csv


def cmd_load_rates(args: argparse.Namespace) -> int:
    settings = Settings()
    path = Path(args.file)
    if not path.is_file():
        print(f"no such file: {path}", file=sys.stderr)
        return 2
    engine, sessions = _sessions(settings)
    try:
        summary = load_csv(sessions, path, every=settings.fx_load_progress_every,
                           progress=lambda n: print(f"{n} rows", file=sys.stderr))
    except DomainError as exc:
        print(json.dumps({"error": exc.code, "message": exc.message,
                          "details": exc.details}), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(json.dumps(summary.as_dict()))
    return 1 if summary.errors else 0


def add_fx(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fx", help="exchange rates for markets and currencies")
    kinds = p.add_subparsers(dest="fx_command", required=True, metavar="COMMAND")
    load = kinds.add_parser("load-rates", help="load rates from a CSV (date, base, quote, "
                            "rate); idempotent")
    load.add_argument("file", metavar="FILE.csv")
    load.set_defaults(func=cmd_load_rates)
