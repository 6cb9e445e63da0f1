"""The single-purpose subcommands: serve, simulate, relay, pipeline run, dashboards."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from transactional_api.cli.alerts import add_alerts
from transactional_api.cli.processes import dashboards_app, repo_root, run_module
from transactional_api.config import Settings
from transactional_api.core.redis_server import ensure_embedded_redis

DEMO_ADMIN_EMAIL = "admin@flywheel.local"
DEMO_ADMIN_PASSWORD = "flywheel-admin"


@contextmanager
def embedded_redis_env() -> Iterator[None]:
    """Without FLYWHEEL_REDIS_URL, reuse or start the embedded redis-server and point every
    child (API workers, pipelines) at it, so N workers never race to start their own."""
    settings = Settings()
    if settings.redis_url:
        yield
        return
    url, owned = ensure_embedded_redis(settings.var_dir, settings.redis_port)
    os.environ["FLYWHEEL_REDIS_URL"] = url
    try:
        yield
    finally:
        os.environ.pop("FLYWHEEL_REDIS_URL", None)
        if owned is not None:
            owned.stop()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    # The API's own address (sandbox callbacks go there), unless configured otherwise.
    os.environ.setdefault("FLYWHEEL_API_URL", f"http://{args.host}:{args.port}")
    with embedded_redis_env():
        uvicorn.run("transactional_api.app:create_app", factory=True, host=args.host,
                    port=args.port, workers=args.workers, log_level=args.log_level)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from transactional_api.simulator import simulate

    settings = Settings()
    summary = simulate(
        args.api or settings.api_url, args.shoppers, args.days, args.seed,
        admin_email=args.admin_email or settings.admin_email or DEMO_ADMIN_EMAIL,
        admin_password=args.admin_password or settings.admin_password or DEMO_ADMIN_PASSWORD,
        progress=not args.no_progress, olist=args.olist,
    )
    print(json.dumps(summary.as_dict(), indent=2))
    return 0


def drain_relay(settings: Settings) -> int:
    """Publish every pending outbox row to the lake (and the stream when Redis answers)."""
    import redis
    from sqlalchemy.orm import sessionmaker

    from transactional_api.core.db import make_engine
    from transactional_api.events import relay
    from transactional_api.migrations import upgrade

    url = settings.resolved_database_url
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    engine = make_engine(url)
    client = redis.Redis.from_url(settings.redis_url) if settings.redis_url else None
    try:
        return relay.drain(
            sessions=sessionmaker(engine, expire_on_commit=False),
            lake_dir=settings.resolved_lake_dir, redis_client=client,
            stream=settings.redis_stream, stream_maxlen=settings.redis_stream_maxlen,
            lease_seconds=settings.relay_lease_seconds,
        )
    finally:
        engine.dispose()
        if client is not None:
            client.close()


def cmd_relay(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.once:
        print(f"relayed {drain_relay(settings)} events")
        return 0
    interval = args.interval or settings.relay_interval_seconds or 1.0
    try:
        while True:
            n = drain_relay(settings)
            if n:
                print(f"relayed {n} events", flush=True)
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0


def child_env(**overrides: str) -> dict[str, str]:
    """Environment for children: ours, plus an absolute var dir so every child agrees, and
    a Dagster home under it so pipeline runs show up in the Dagster UI the CLI starts."""
    env = dict(os.environ)
    var = Settings().var_dir.resolve()
    env["FLYWHEEL_VAR_DIR"] = str(var)
    env.update(overrides)
    if "DAGSTER_HOME" not in env:
        home = Path(env["FLYWHEEL_VAR_DIR"]) / "dagster"
        home.mkdir(parents=True, exist_ok=True)
        env["DAGSTER_HOME"] = str(home)
    return env


def _iso_day(text: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_pipeline(args: argparse.Namespace) -> int:
    days = []
    if args.run_from:
        days = ["--from", args.run_from, "--to", args.run_to or args.run_from]
    elif args.run_to:
        print("error: --to needs --from", file=sys.stderr)
        return 2
    extra = [a for a in args.extra if a != "--"]
    if args.skip_features:
        extra.append("--skip-features")
    with embedded_redis_env():
        done = run_module("pipelines.run", *days, *extra, env=child_env(), cwd=repo_root())
    return done.returncode


def streamlit_args(port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(dashboards_app()),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer"]


def cmd_dashboards(args: argparse.Namespace) -> int:
    import subprocess

    try:
        return subprocess.call(streamlit_args(args.port), env=child_env(), cwd=repo_root())
    except KeyboardInterrupt:
        return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the HTTP API (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("simulate", help="drive the API with simulated shoppers")
    p.add_argument("--shoppers", type=int, default=30)
    p.add_argument("--days", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--api", default=None, help="API base URL (default: FLYWHEEL_API_URL)")
    p.add_argument("--olist", type=Path, default=None,
                   help="folder (or products CSV) of the Olist dataset to build the catalog")
    p.add_argument("--admin-email", default=None)
    p.add_argument("--admin-password", default=None)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("relay", help="publish outbox events to the lake and the stream")
    p.add_argument("--once", action="store_true", help="drain the outbox and exit")
    p.add_argument("--interval", type=float, default=None)
    p.set_defaults(func=cmd_relay)

    p = sub.add_parser("pipeline", help="data pipelines")
    psub = p.add_subparsers(dest="pipeline_command", required=True)
    run = psub.add_parser("run", help="materialize every asset in-process (pipelines.run)")
    run.add_argument("--from", dest="run_from", type=_iso_day, metavar="YYYY-MM-DD",
                     help="first day to (re)build, UTC (default: a full build of every day)")
    run.add_argument("--to", dest="run_to", type=_iso_day, metavar="YYYY-MM-DD",
                     help="last day to (re)build, inclusive (default: --from)")
    run.add_argument("--skip-features", action="store_true",
                     help="publish nothing to Redis (features, hot searches)")
    run.add_argument("extra", nargs=argparse.REMAINDER, help="passed to pipelines.run")
    run.set_defaults(func=cmd_pipeline)

    p = sub.add_parser("dashboards", help="run the Streamlit dashboards")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_dashboards)

    add_alerts(sub)
