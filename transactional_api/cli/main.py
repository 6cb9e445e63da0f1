"""`flywheel` command line: one entry point for every process of the platform."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from transactional_api.cli.bench import add_bench
from transactional_api.cli.clv import add_clv
from transactional_api.cli.commands import add_commands
from transactional_api.cli.demo import add_demo
from transactional_api.cli.flash import add_flash
from transactional_api.cli.fx import add_fx
from transactional_api.cli.imports import add_imports
from transactional_api.cli.members import add_members
from transactional_api.cli.reach import add_reach
from transactional_api.cli.reco import add_reco
from transactional_api.cli.settlement import add_settlement
from transactional_api.cli.translations import add_catalog
from transactional_api.credit.cli import add_credit


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flywheel",
        description="Flywheel: an e-commerce API whose events feed its own data platform.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_commands(sub)
    add_demo(sub)
    add_bench(sub)
    add_imports(sub)
    add_clv(sub)
    add_members(sub)
    add_reach(sub)
    add_reco(sub)
    add_settlement(sub)
    add_flash(sub)
    add_fx(sub)
    add_credit(sub)
    add_catalog(sub)
    return parser


def _terminate(signum, frame) -> None:
    # SIGTERM unwinds like Ctrl-C, so every command's cleanup (children, the embedded
    # redis-server) runs; uvicorn re-raises the signal it caught once it has shut down.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
