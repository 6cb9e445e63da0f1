"""`flywheel settlement run|reconcile`: a settlement run (statements and payouts) and the
reconciliation of the ledger with the payment and payout channels, against the database
the settings name."""

from __future__ import annotations

import argparse
import json

from transactional_api.cli.members import _aware, _sessions
from transactional_api.config import Settings
from transactional_api.core.db import transaction
from transactional_api.settlement import service
from transactional_api.settlement.reconciliation import reconcile


def cmd_run(args: argparse.Namespace) -> int:
    settings = Settings()
    engine, sessions = _sessions(settings)
    try:
        out = service.run_cycle(sessions=sessions, settings=settings, at=args.at)
    finally:
        engine.dispose()
    print(json.dumps(out))
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    settings = Settings()
    engine, sessions = _sessions(settings)
    try:
        with transaction(sessions) as s:
            service.sync(s, settings=settings)
            out = reconcile(s)
    finally:
        engine.dispose()
    print(json.dumps(out, indent=2))
    return 0 if out["ok"] else 1


def add_settlement(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("settlement", help="merchant settlement: runs and reconciliation")
    kinds = p.add_subparsers(dest="settlement_command", required=True, metavar="COMMAND")
    run = kinds.add_parser("run", help="issue due statements and send their payouts "
                           "(idempotent: a rerun pays nothing twice)")
    run.add_argument("--at", type=_aware, default=None, metavar="ISO-TIME",
                     help="the time to run as (default now)")
    run.set_defaults(func=cmd_run)
    rec = kinds.add_parser("reconcile", help="ledger against payment and payout channels; "
                           "exit 1 on any difference")
    rec.set_defaults(func=cmd_reconcile)
