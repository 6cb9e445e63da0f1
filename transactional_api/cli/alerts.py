"""`flywheel alerts watch|check`: the real-time payment-failure check on the event stream."""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from transactional_api.alerts.models import Alert
from transactional_api.alerts.schemas import AlertOut
from transactional_api.alerts.stream_check import SpikeRule
from transactional_api.config import Settings


def _print_alert(alert: Alert) -> None:
    print(AlertOut.model_validate(alert).model_dump_json(), flush=True)


@contextmanager
def _stream_and_db(settings: Settings) -> Iterator[tuple]:
    import redis
    from sqlalchemy.orm import sessionmaker

    from transactional_api.core.db import make_engine
    from transactional_api.migrations import upgrade

    url = settings.resolved_database_url
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    engine = make_engine(url)
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        yield sessionmaker(engine, expire_on_commit=False), client
    finally:
        client.close()
        engine.dispose()


def _rule(args: argparse.Namespace) -> SpikeRule:
    try:
        return SpikeRule(window_seconds=args.window_seconds,
                         max_failure_rate=args.max_failure_rate, min_failures=args.min_failures)
    except ValueError as exc:
        raise SystemExit(f"flywheel alerts: {exc}") from None


def _with_stream(args: argparse.Namespace, body: Callable[..., int]) -> int:
    from transactional_api.cli.commands import embedded_redis_env  # commands imports us

    rule = _rule(args)
    with embedded_redis_env():
        settings = Settings()
        with _stream_and_db(settings) as (sessions, client):
            return body(sessions=sessions, client=client, stream=settings.redis_stream,
                        rule=rule)


def cmd_watch(args: argparse.Namespace) -> int:
    from transactional_api.alerts.stream_check import watch

    def body(**kwargs) -> int:
        print(f"watching {kwargs['stream']} for payment-failure spikes "
              f"({kwargs['rule']}); Ctrl-C stops", flush=True)
        with suppress(KeyboardInterrupt):
            watch(**kwargs, stop=threading.Event(), on_alert=_print_alert)
        return 0

    return _with_stream(args, body)


def cmd_check(args: argparse.Namespace) -> int:
    from transactional_api.alerts.stream_check import check_and_raise

    def body(**kwargs) -> int:
        created = check_and_raise(**kwargs, lookback_seconds=args.lookback_seconds)
        for alert in created:
            _print_alert(alert)
        print(json.dumps({"alerts_raised": len(created)}), flush=True)
        return 0

    return _with_stream(args, body)


def add_alerts(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("alerts", help="real-time alert checks on the event stream")
    asub = p.add_subparsers(dest="alerts_command", required=True)
    defaults = SpikeRule()
    for name, func, help_text in (
        ("watch", cmd_watch, "follow the stream and raise payment-failure spikes as alerts"),
        ("check", cmd_check, "check the last minutes of the stream once"),
    ):
        q = asub.add_parser(name, help=help_text)
        q.add_argument("--window-seconds", type=float, default=defaults.window_seconds,
                       help="sliding window of event time (default %(default)s)")
        q.add_argument("--max-failure-rate", type=float, default=defaults.max_failure_rate,
                       help="alert when failures / attempts exceeds this (default %(default)s)")
        q.add_argument("--min-failures", type=int, default=defaults.min_failures,
                       help="and at least this many failures in the window "
                       "(default %(default)s)")
        if name == "check":
            q.add_argument("--lookback-seconds", type=float, default=None,
                           help="how much of the stream to read (default: two windows)")
        q.set_defaults(func=func)
