"""`flywheel members period-end|check`: the members' housekeeping and ledger check by
hand, against the database the settings name (the API runs both on its own too)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from transactional_api.config import Settings
from transactional_api.core.db import make_engine
from transactional_api.members import jobs, points
from transactional_api.migrations import upgrade


def _sessions(settings: Settings):
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url, settings.db_options)
    return engine, sessionmaker(engine, expire_on_commit=False)


def _aware(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give an offset, e.g. 2026-03-01T00:05:00+00:00")
    return value


def cmd_period_end(args: argparse.Namespace) -> int:
    settings = Settings()
    engine, sessions = _sessions(settings)
    try:
        done = jobs.housekeeping(sessions, settings, now=args.at)
    finally:
        engine.dispose()
    print(json.dumps({"expired_points": done["expired_points"],
                      "downgrades": [list(d) for d in done["downgrades"]]}))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    settings = Settings()
    engine, sessions = _sessions(settings)
    try:
        with sessions() as s:
            problems = points.check(s)
    finally:
        engine.dispose()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} accounts differ from their ledger")
    return 1 if problems else 0


def add_members(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("members", help="member levels and points")
    kinds = p.add_subparsers(dest="members_command", required=True, metavar="COMMAND")
    end = kinds.add_parser(
        "period-end", help="apply pending outbox events, expire due points and run the "
        "latest period end's downgrades (once per period)")
    end.add_argument("--at", type=_aware, default=None, metavar="ISO-TIME",
                     help="the time to run as (default now; a simulated month's end)")
    end.set_defaults(func=cmd_period_end)
    check = kinds.add_parser("check", help="every points balance equals its ledger")
    check.set_defaults(func=cmd_check)
