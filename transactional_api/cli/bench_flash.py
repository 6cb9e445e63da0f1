"""`flywheel bench flash-sale`: N shoppers over HTTP try to buy S units of one SKU at the
start of a sale.

Starts API processes on a fresh var dir (bench_server.py) unless given --api, a product
and a sale that opens a few seconds later, and N shoppers with their passes (made in the
bench's own database when it started the API: registering thousands over HTTP would time
the password hashing, not the sale). At the start, the load client (wrk) sends reserve
requests for --seconds, each from the next shopper with a fresh request id; then /healthz
under the same load, the reference. Prints the reservation requests answered per second,
p50/p99, the ratio to /healthz, the time until every winner's order exists in the
database, and the end-of-sale reconciliation (units sold, oversold, duplicate orders).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from transactional_api.cli.bench_flash_load import reserve_load
from transactional_api.cli.bench_load import measure
from transactional_api.cli.bench_server import BenchApi, bench_api

ENV = {"FLYWHEEL_FLASH_CLIENT_RATE_PER_SECOND": "1000", "FLYWHEEL_FLASH_CLIENT_BURST": "1000",
       "FLYWHEEL_FLASH_WORKER_INTERVAL_SECONDS": "0.05",
       "FLYWHEEL_MEMBERS_CONSUMER_INTERVAL_SECONDS": "0", "FLYWHEEL_REACH_INTERVAL_SECONDS": "0"}


def _iso(at: datetime) -> str:
    return at.isoformat()


def _local_shoppers(api: BenchApi, sale_id: str, n: int, ends_at: datetime) -> list[str]:
    """Users written straight into the bench's database, and passes signed with its
    installation secret (what POST .../pass would return)."""
    from sqlalchemy.orm import sessionmaker

    from transactional_api.accounts.models import User
    from transactional_api.config import Settings
    from transactional_api.core.db import make_engine, transaction
    from transactional_api.flash_sales import hot
    from transactional_api.payments.secret import webhook_secret

    settings = Settings(var_dir=api.var)
    engine = make_engine(settings.resolved_database_url, settings.db_options)
    ids = [str(uuid.uuid4()) for _ in range(n)]
    with transaction(sessionmaker(engine)) as s:
        s.add_all(User(id=i, email=f"flash-{i[:12]}@bench.test", password_hash="!bench",
                       role="shopper") for i in ids)
    engine.dispose()
    secret = hot.pass_secret(webhook_secret(settings))
    return [hot.issue_pass(secret, sale_id=sale_id, user_id=i,
                           expires_s=int(ends_at.timestamp())) for i in ids]


def _remote_shoppers(api: BenchApi, sale_id: str, n: int) -> list[str]:
    passes = []
    with httpx.Client(base_url=api.url, timeout=60) as c:
        for _ in range(n):
            email = f"flash-{uuid.uuid4().hex[:12]}@bench.test"
            token = c.post("/v1/auth/register", json={
                "email": email, "password": "bench-pass-1"}).raise_for_status().json()["token"]
            passes.append(c.post(f"/v1/flash-sales/{sale_id}/pass", headers={
                "Authorization": f"Bearer {token}"}).raise_for_status().json()["flash_pass"])
    return passes


def _watch_orders(api: BenchApi, sale_id: str, started: float, stock: int, out: dict,
                  stop: threading.Event) -> None:
    """Seconds from the sale's start until every won reservation has its order."""
    with api.admin() as admin:
        while not stop.is_set():
            rec = admin.get(f"/v1/admin/flash-sales/{sale_id}/reconciliation").json()["now"]
            out["won"], out["queued"] = rec["won_units"], rec["queued"]
            if rec["won_units"] >= stock and rec["queued"] == 0:
                out["orders_ready_seconds"] = time.monotonic() - started
                return
            time.sleep(0.1)


def _worker_process(api: BenchApi) -> subprocess.Popen:
    """`flywheel flash worker` beside the API processes, on the bench's var dir."""
    env = {**os.environ, "FLYWHEEL_VAR_DIR": str(api.var), "FLYWHEEL_REDIS_URL": api.redis_url}
    return subprocess.Popen([sys.executable, "-m", "transactional_api.cli.main", "flash",
                             "worker"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def run(args: argparse.Namespace) -> dict:
    separate = args.separate_worker and args.api is None
    env = {**ENV, "FLYWHEEL_FLASH_WORKER_INTERVAL_SECONDS": "0"} if separate else ENV
    with bench_api(args.api, workers=args.workers, env=env) as api, \
            contextlib.ExitStack() as stack:
        if separate:
            proc = _worker_process(api)
            stack.callback(proc.wait, 30)
            stack.callback(proc.terminate)
        sku = api.product(stock=args.stock + 100, price_cents=1000)["skus"][0]["id"]
        starts = datetime.now(UTC) + timedelta(seconds=args.lead)
        ends = starts + timedelta(hours=1)
        with api.admin() as admin:
            sale = admin.post("/v1/admin/flash-sales", json={
                "name": "Bench flash", "sku_id": sku, "flash_price_cents": 500,
                "quantity": args.stock, "per_user_limit": 1, "starts_at": _iso(starts),
                "ends_at": _iso(ends)}).raise_for_status().json()["id"]
            admin.post(f"/v1/admin/flash-sales/{sale}/arm").raise_for_status()
        print(f"shoppers: making {args.shoppers} with passes ...", flush=True)
        passes = (_local_shoppers(api, sale, args.shoppers, ends) if api.var is not None
                  else _remote_shoppers(api, sale, args.shoppers))
        time.sleep(max(0.0, (starts - datetime.now(UTC)).total_seconds()))
        watch: dict = {}
        stop = threading.Event()
        watcher = threading.Thread(target=_watch_orders, args=(
            api, sale, time.monotonic(), args.stock, watch, stop), daemon=True)
        watcher.start()
        print(f"sale open: {args.connections} connections for {args.seconds:g} s ...",
              flush=True)
        load = reserve_load(api.url, f"/v1/flash-sales/{sale}/reserve", passes,
                            seconds=args.seconds, connections=args.connections)
        watcher.join(timeout=120)
        stop.set()
        print("reference: /healthz under the same load ...", flush=True)
        trivial = measure(api.url, "/healthz", seconds=args.seconds,
                          connections=args.connections)
        with api.admin() as admin:
            ended = admin.post(f"/v1/admin/flash-sales/{sale}/end").raise_for_status().json()
        rec = ended["reconciliation"] or {}
    return {
        "shoppers": args.shoppers, "stock": args.stock, "connections": args.connections,
        "workers": args.workers, "order_worker": "separate" if separate else "in_api",
        "seconds": args.seconds, "client": load["client"],
        "reserve_rps": round(load["rps"], 1), "reserve_p50_ms": load.get("p50"),
        "reserve_p99_ms": load.get("p99"), "statuses": load.get("statuses", {}),
        "transport_errors": load.get("errors", 0) - sum(
            n for s, n in load.get("statuses", {}).items() if s >= 300),
        "healthz_rps": round(trivial["rps"], 1), "healthz_p99_ms": trivial.get("p99"),
        "ratio_to_healthz": round(load["rps"] / trivial["rps"], 3) if trivial["rps"] else None,
        "orders_ready_seconds": (round(watch["orders_ready_seconds"], 2)
                                 if "orders_ready_seconds" in watch else None),
        "units_sold": rec.get("live_order_units"), "oversold": rec.get("oversold"),
        "duplicate_orders": rec.get("duplicate_orders"), "orders": rec.get("orders"),
        "reconciled": rec.get("differences") == [], "differences": rec.get("differences"),
    }


def cmd_bench_flash(args: argparse.Namespace) -> int:
    got = run(args)
    print(f"reserve: {got['reserve_rps']:.0f} req/s answered "
          f"(p50 {got['reserve_p50_ms']:.2f} ms, p99 {got['reserve_p99_ms']:.2f} ms) "
          f"statuses {got['statuses']}")
    print(f"/healthz: {got['healthz_rps']:.0f} req/s; ratio {got['ratio_to_healthz']}")
    print(f"orders: every winner's order in the database after "
          f"{got['orders_ready_seconds']} s")
    print(f"sold {got['units_sold']} of {got['stock']}; oversold {got['oversold']}; "
          f"duplicate orders {got['duplicate_orders']}; reconciled {got['reconciled']}")
    if args.json:
        print(json.dumps(got))
    ok = got["reconciled"] and got["oversold"] == 0 and got["duplicate_orders"] == 0
    return 0 if ok else 1


def add_bench_flash(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("flash-sale", help="N shoppers buy S units of one SKU at the start "
                                           "of a flash sale (wrk)")
    p.add_argument("--shoppers", type=int, default=2000)
    p.add_argument("--stock", type=int, default=500)
    p.add_argument("--seconds", type=float, default=5.0, help="load on the reserve route")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--workers", type=int, default=2, help="API processes the bench starts")
    p.add_argument("--separate-worker", action="store_true",
                   help="make the orders in a `flywheel flash worker` process, not inside "
                        "the API processes")
    p.add_argument("--lead", type=float, default=3.0, help="seconds from arming to the start")
    p.add_argument("--api", default=None, help="measure a running API (registers shoppers "
                                               "over HTTP)")
    p.add_argument("--json", action="store_true",
                   help="also print the figures as one JSON object, last line")
    p.set_defaults(func=cmd_bench_flash)
