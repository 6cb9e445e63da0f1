"""`flywheel credit bill`: the nightly credit job by hand (issue due bills, charge late
fees, assign completed orders' receivables), against the database the settings name.
Registered in cli/main.py with ``add_credit(sub)``."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from transactional_api.config import Settings
from transactional_api.core.db import make_engine
from transactional_api.credit import jobs
from transactional_api.migrations import upgrade


def _aware(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give an offset, e.g. 2026-03-01T00:05:00+00:00")
    return value


def cmd_bill(args: argparse.Namespace) -> int:
    settings = Settings()
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url, settings.db_options)
    try:
        done = jobs.nightly(sessionmaker(engine, expire_on_commit=False), settings,
                            now=args.at)
    finally:
        engine.dispose()
    print(json.dumps(done))
    return 0


def add_credit(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("credit", help="credit lines and installments")
    kinds = p.add_subparsers(dest="credit_command", required=True, metavar="COMMAND")
    bill = kinds.add_parser("bill", help="issue due bills, charge late fees on overdue ones "
                            "and assign receivables to the funder (the nightly job)")
    bill.add_argument("--at", type=_aware, default=None, metavar="ISO-TIME",
                      help="the time to run as (default now; a simulated day)")
    bill.set_defaults(func=cmd_bill)
