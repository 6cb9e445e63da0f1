"""`flywheel reach run`: reach's due work by hand against the database the settings name
(the API and the pipelines run it on their own too): outbox triggers, abandoned carts,
sends deferred by quiet hours, and the audience campaigns."""

from __future__ import annotations

import argparse
import json

import redis

from transactional_api.cli.commands import embedded_redis_env
from transactional_api.cli.members import _aware, _sessions
from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.reach import jobs
from transactional_api.reach.triggers import run_audience_campaigns


def cmd_run(args: argparse.Namespace) -> int:
    now = args.at or clock.now()
    with embedded_redis_env():
        settings = Settings()
        engine, sessions = _sessions(settings)
        client = redis.Redis.from_url(settings.redis_url)
        try:
            done = jobs.run_due(sessions, settings, now=now)
            if not args.no_audiences:
                with transaction(sessions) as s:
                    done.audience_sends = run_audience_campaigns(s, client, now,
                                                                 settings=settings)
        finally:
            client.close()
            engine.dispose()
    print(json.dumps(done.model_dump()))
    return 0


def add_reach(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reach", help="automated reach campaigns")
    kinds = p.add_subparsers(dest="reach_command", required=True, metavar="COMMAND")
    run = kinds.add_parser("run", help="send what is due: event triggers, abandoned carts, "
                           "deferred sends and audience campaigns (each trigger once)")
    run.add_argument("--at", type=_aware, default=None, metavar="ISO-TIME",
                     help="the time to run as (default now)")
    run.add_argument("--no-audiences", action="store_true",
                     help="skip the audience campaigns (the pipelines run them)")
    run.set_defaults(func=cmd_run)
