"""`flywheel demo`: the whole loop on one machine — redis, API, shoppers, relay, pipelines, UIs."""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from transactional_api.cli.commands import (
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    child_env,
    drain_relay,
    streamlit_args,
)
from transactional_api.cli.processes import (
    Supervisor,
    port_in_use,
    python_module,
    repo_root,
    run_module,
    wait_http,
)
from transactional_api.cli.summary import demo_summary, format_summary, outbox_pending
from transactional_api.config import Settings
from transactional_api.core.redis_server import (
    PortBusyError,
    RedisProcess,
    start_embedded_redis,
    stop_orphaned_redis,
)

API_PORT, DASHBOARDS_PORT, DAGSTER_PORT = 8000, 8501, 3000


def wipe_var(var_dir: Path) -> None:
    """Empty the var dir, refusing anything that is obviously not a scratch folder."""
    var_dir = var_dir.resolve()
    if var_dir == Path(var_dir.anchor) or var_dir == Path.home() or (var_dir / ".git").exists():
        raise SystemExit(f"refusing to wipe {var_dir}")
    if not var_dir.exists():
        return
    for child in var_dir.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _step(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def _settle(settings: Settings) -> dict:
    """Statements and payouts for what is due, then the books against the channels."""
    from transactional_api.cli.members import _sessions
    from transactional_api.core.db import transaction
    from transactional_api.settlement import service as settlement
    from transactional_api.settlement.reconciliation import reconcile

    # days pass in seconds here: settle what completed without waiting out the window
    settings = settings.model_copy(update={"settlement_window_days": 0})
    engine, sessions = _sessions(settings)
    try:
        run = settlement.run_cycle(sessions=sessions, settings=settings, at=None)
        with transaction(sessions) as s:
            settlement.sync(s, settings=settings)
            books = reconcile(s)
    finally:
        engine.dispose()
    return {"settlement": run, "reconciled": books["ok"]}


def _raise_interrupt(signum, frame):  # pragma: no cover - signal handler
    raise KeyboardInterrupt


def _drain_until_empty(settings: Settings, timeout: float = 60.0) -> int:
    # The API's own relay may hold the lock at the moment we ask: loop until nothing is left.
    total = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        total += drain_relay(settings)
        if outbox_pending(settings) == 0:
            return total
        time.sleep(0.2)
    raise TimeoutError("outbox did not drain")


def cmd_demo(args: argparse.Namespace) -> int:
    base = Settings()
    var = base.var_dir.resolve()
    if args.once:
        stop_orphaned_redis(var)
        wipe_var(var)
    var.mkdir(parents=True, exist_ok=True)
    # Ctrl-C and `kill` both unwind through the finally below, which stops every child;
    # set SIGINT too, since a shell that backgrounds us may have left it ignored.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)
    started = time.monotonic()
    api_url = f"http://127.0.0.1:{args.api_port}"
    redis_proc: RedisProcess | None = None
    sup = Supervisor(env={}, log_dir=var / "logs")
    try:
        redis_url = base.redis_url
        if not redis_url:
            _step(f"starting redis-server on port {base.redis_port}")
            try:
                # a redis-server left by a killed Flywheel process under var/ is stopped first
                redis_proc = start_embedded_redis(var, base.redis_port)
            except PortBusyError:
                raise SystemExit(f"port {base.redis_port} is busy: stop the other redis or set "
                                 "FLYWHEEL_REDIS_PORT / FLYWHEEL_REDIS_URL") from None
            redis_url = redis_proc.url
        admin_email = base.admin_email or DEMO_ADMIN_EMAIL
        admin_password = base.admin_password or DEMO_ADMIN_PASSWORD
        sup.env = child_env(
            FLYWHEEL_VAR_DIR=str(var),
            FLYWHEEL_REDIS_URL=redis_url,
            FLYWHEEL_SIMULATED_CLOCK="true",
            FLYWHEEL_ADMIN_EMAIL=admin_email,
            FLYWHEEL_ADMIN_PASSWORD=admin_password,
            FLYWHEEL_API_URL=api_url,
            # the day-end sweep of the simulator expires orders at simulated time; a real-time
            # sweeper would stamp them with today's date instead
            FLYWHEEL_ORDER_SWEEPER_INTERVAL_SECONDS="0",
            # parcels move and deliveries complete at the simulator's day ends, on its clock
            FLYWHEEL_CARRIER_DELIVERY_INTERVAL_SECONDS="0",
            FLYWHEEL_AUTO_COMPLETE_INTERVAL_SECONDS="0",
            FLYWHEEL_AUTO_COMPLETE_DAYS="2",
            # every simulated guest shares 127.0.0.1 and days pass in seconds: one event
            # bucket sized for real shoppers would throttle the whole simulation
            FLYWHEEL_EVENTS_RATE_PER_SECOND="1000000",
            FLYWHEEL_EVENTS_BURST="1000000",
            # likewise for sign-ins: every simulated shopper signs in from 127.0.0.1
            FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT="1000000",
            # and for sign-in codes, which simulated shoppers ask for by email and SMS, some
            # several times within a real minute as simulated days fly by
            FLYWHEEL_CODE_REQUESTS_PER_HOUR_PER_CLIENT="1000000",
            FLYWHEEL_CODE_REQUESTS_PER_HOUR_PER_DESTINATION="1000000",
            FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_ACCOUNT="1000000",
        )
        settings = Settings(var_dir=var, redis_url=redis_url)
        if port_in_use(args.api_port):
            raise SystemExit(f"port {args.api_port} is busy (another API running?)")
        _step(f"starting API on {api_url}")
        api = sup.start("api", python_module(
            "uvicorn", "transactional_api.app:create_app", "--factory", "--host", "127.0.0.1",
            "--port", str(args.api_port), "--log-level", "warning"), cwd=repo_root())
        wait_http(f"{api_url}/healthz", timeout=60, proc=api.proc)

        from transactional_api.simulator import simulate
        from transactional_api.simulator.client import ApiClient
        from transactional_api.simulator.promotions import create_demo_promotions
        from transactional_api.simulator.reach import create_demo_campaigns
        from transactional_api.simulator.run import ensure_catalog

        _step("creating reach campaigns (level-up, abandoned cart, dormant win-back)")
        with ApiClient(api_url) as client:
            token = client.login(admin_email, admin_password)
            # active from just before the simulated days, so their triggers all count
            begin = datetime.now(UTC) - timedelta(days=args.days, hours=1)
            create_demo_campaigns(client, token, begin)
            _step("creating promotions and coupons (tiered spend reduction, category sale, "
                  "buy 2 get 1, free shipping, card reduction, tier and member prices, a "
                  "price floor; claimable, new-user, shipping and code coupons)")
            # promotions name SKUs: the catalog first, as the simulation would load it
            ensure_catalog(client, admin_token=token, seed=args.seed, olist=args.olist,
                           clock=begin - timedelta(hours=1))
            offers = create_demo_promotions(client, token, begin, client.all_products())

        # The last simulated day runs after the pipelines have learned from the ones before:
        # its shoppers are served the published recommendations and react to them.
        learned_days = 1 if args.days > 1 else 0
        now = datetime.now(UTC)
        first = args.days - learned_days
        _step(f"simulating {args.shoppers} shoppers over {first} days (seed {args.seed})")
        sim = simulate(api_url, args.shoppers, first, args.seed,
                       admin_email=admin_email, admin_password=admin_password,
                       progress=not args.no_progress, olist=args.olist, offers=offers,
                       now=now - timedelta(days=learned_days))
        print(json.dumps(sim.as_dict()), flush=True)
        from transactional_api.simulator.risk_ring import run_ring

        _step("a brushing ring orders to one address; the operator reviews what risk held")
        with ApiClient(api_url) as client:
            ring = run_ring(client, admin_token=client.login(admin_email, admin_password),
                            clock=datetime.now(UTC), seed=args.seed)
        print(json.dumps(ring.__dict__), flush=True)
        from transactional_api.simulator import credit_and_borders

        _step("shoppers on installments (three months of bills, one in three late), in a "
              "second market (BRL) and in Portuguese, and from abroad paying duties")
        with ApiClient(api_url) as client:
            plays16 = credit_and_borders.run(
                client, client.login(admin_email, admin_password), seed=args.seed,
                first_day=now - timedelta(days=args.days), clock=datetime.now(UTC))
        print(json.dumps(plays16, default=str), flush=True)
        _step("settling the marketplace's merchants (flywheel settlement run)")
        print(json.dumps(_settle(settings)), flush=True)
        _step("draining the outbox to the lake")
        print(f"relayed {_drain_until_empty(settings)} more events", flush=True)
        _step("running the pipelines (python -m pipelines.run)")
        done = run_module("pipelines.run", env=sup.env, cwd=repo_root())
        if done.returncode != 0:
            print(f"pipelines.run failed with exit code {done.returncode}", file=sys.stderr)
            return done.returncode
        if learned_days:
            _step("one more day on what the pipelines learned: the shop serves their "
                  "recommendations and intent, shoppers see and click them")
            sim = simulate(api_url, args.shoppers, learned_days, args.seed + 1,
                           admin_email=admin_email, admin_password=admin_password,
                           progress=not args.no_progress, olist=args.olist, offers=offers,
                           now=now)
            print(json.dumps(sim.as_dict()), flush=True)
            print(f"relayed {_drain_until_empty(settings)} more events", flush=True)
            _step("running the pipelines again (the day's recommendation CTR and GMV)")
            done = run_module("pipelines.run", env=sup.env, cwd=repo_root())
            if done.returncode != 0:
                print(f"pipelines.run failed with exit code {done.returncode}",
                      file=sys.stderr)
                return done.returncode
        if args.once:
            _step("summary")
            print(format_summary(demo_summary(settings, redis_url)))
            print(f"demo finished in {time.monotonic() - started:.1f}s", flush=True)
            return 0
        return _serve_uis(sup, var, args)
    except KeyboardInterrupt:
        return 130
    finally:
        _step("stopping")
        sup.stop_all()
        if redis_proc is not None:
            redis_proc.stop()


def _serve_uis(sup: Supervisor, var: Path, args: argparse.Namespace) -> int:
    _step("starting dashboards and Dagster UI")
    ui = [
        sup.start("dashboards", streamlit_args(args.dashboards_port), cwd=repo_root()),
        sup.start("dagster", python_module(
            "dagster", "dev", "-m", "pipelines.definitions", "-p", str(args.dagster_port),
            "-h", "127.0.0.1"), cwd=repo_root()),
    ]
    print(
        "\nFlywheel is running:\n"
        f"  API         http://127.0.0.1:{args.api_port}/docs\n"
        f"  dashboards  http://127.0.0.1:{args.dashboards_port}\n"
        f"  Dagster     http://127.0.0.1:{args.dagster_port}\n"
        f"  logs        {var / 'logs'}\n"
        "Press Ctrl-C to stop.", flush=True)
    while True:
        for child in [*sup.children, *ui]:
            if child.proc.poll() is not None:
                print(f"{child.name} exited with {child.proc.returncode}; see {child.log_path}",
                      file=sys.stderr)
                return 1
        time.sleep(1)


def add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole loop: redis, API, shoppers, pipelines, UIs")
    p.add_argument("--once", action="store_true",
                   help="fresh var/, run everything once, print a summary and exit")
    p.add_argument("--shoppers", type=int, default=60)
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--olist", type=Path, default=None, help="build the catalog from Olist")
    p.add_argument("--api-port", type=int, default=API_PORT)
    p.add_argument("--dashboards-port", type=int, default=DASHBOARDS_PORT)
    p.add_argument("--dagster-port", type=int, default=DAGSTER_PORT)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_demo)
