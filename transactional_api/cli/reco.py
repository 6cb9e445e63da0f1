"""`flywheel reco ...`: the recommenders' evaluations, one part per reco_<part>.py."""

from __future__ import annotations

import argparse

from transactional_api.cli.reco_credit import add_credit
from transactional_api.cli.reco_intent import add_intent
from transactional_api.cli.reco_offline import add_offline
from transactional_api.cli.reco_sessions import add_sessions


def add_reco(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reco", help="recommendation models: offline evaluations")
    parts = p.add_subparsers(dest="reco_command", required=True, metavar="COMMAND")
    add_offline(parts)
    add_sessions(parts)
    add_intent(parts)
    add_credit(parts)
