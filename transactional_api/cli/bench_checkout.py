"""`flywheel bench checkout`: the golden path over HTTP with N concurrent shoppers.

Each shopper loops: preview (when the route exists), place an order, start a sandbox
payment, then post the provider's signed callback itself, as the provider would (the API
runs with FLYWHEEL_SANDBOX_AUTO_CONFIRM=false, so it posts none of its own). An order
counts once the callback answers "paid". Figures: paid orders/s, p50/p99 of the whole path
and of each step, errors by step and status, and the ratio to a bare SQLite write endpoint
(bench_reference.py) loaded the same way in the same run. Afterwards the run is checked
(bench_checkout_checks.py): no oversold unit, no payment counted twice.

Without --api each engine gets fresh API processes on a fresh var dir (bench_server.py);
PostgreSQL runs in a throwaway cluster (bench_postgres.py). The load comes from one
asyncio process with a bare HTTP/1.1 client (bench_http.py), so it takes the server's
cores as little as a Python client can; its own CPU use is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import secrets
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from transactional_api.cli.bench_checkout_checks import orders_in_db, run_checks
from transactional_api.cli.bench_checkout_setup import (
    STOCK,
    engine_api,
    print_server_errors,
    probe_preview,
    running_api_secret,
    setup_shop,
)
from transactional_api.cli.bench_http import Connection, Response, TransportError, run
from transactional_api.cli.bench_postgres import PostgresUnavailable
from transactional_api.cli.bench_reference import PATH as REFERENCE_PATH
from transactional_api.cli.bench_reference import reference_server
from transactional_api.payments.signing import sign

PREVIEW, PLACE, PAY, CALLBACK = "preview", "place", "pay", "callback"
CALLBACK_PATH = "/v1/payments/callbacks/sandbox"
REPLAYS = 25  # callbacks delivered a second time after the run: each must be "duplicate"


@dataclass
class Tally:
    paths: list[float] = field(default_factory=list)  # ms per completed golden path
    steps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    started: int = 0
    replays: list[bytes] = field(default_factory=list)


@dataclass
class Shop:
    skus: list[str]
    tokens: list[str]
    user_ids: list[str]
    secret: str
    preview: bool
    hot: bool
    lines: int


def _pcts(xs: list[float]) -> dict:
    if not xs:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    # inclusive: a small sample never reports a p99 above its max
    q = statistics.quantiles(xs, n=100, method="inclusive") if len(xs) > 1 else xs * 99
    return {"n": len(xs), "p50": round(q[49], 2), "p95": round(q[94], 2),
            "p99": round(q[98], 2), "max": round(max(xs), 2)}


def _cpu_times() -> tuple[int, int] | None:
    """(total, idle) jiffies of the whole machine, to show how busy both cores were."""
    try:
        v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    return sum(v), v[3] + v[4]


def _record(tally: Tally, step: str, r: Response, expect: int, t0: float) -> bool:
    if r.status_code != expect:
        tally.errors[f"{step} {r.status_code}"] += 1
        return False
    tally.steps[step].append((time.perf_counter() - t0) * 1000)
    return True


async def _progress(label: str, tally: Tally, started: float, every: float = 2.0) -> None:
    last_n, last_t = 0, started
    while True:
        await asyncio.sleep(every)
        now, n = time.perf_counter(), len(tally.paths)
        print(f"  {label}: {now - started:5.1f}s {n:7d} done, {(n - last_n) / (now - last_t):7.1f}"
              f"/s now, {sum(tally.errors.values())} errors", flush=True)
        last_n, last_t = n, now


async def _drive(label: str, base: str, concurrency: int, iteration, *, orders: int | None,
                 seconds: float | None) -> dict:
    """concurrency workers each loop iteration until the budget (count or time) is spent."""
    tally = Tally()
    conns = [Connection(base) for _ in range(concurrency)]
    await asyncio.gather(*(c.get("/healthz") for c in conns))  # connect before timing
    started = time.perf_counter()
    deadline = started + seconds if seconds else math.inf

    async def worker(n: int) -> None:
        while time.perf_counter() < deadline and (orders is None or tally.started < orders):
            tally.started += 1
            t0 = time.perf_counter()
            try:
                ok = await iteration(conns[n], n, tally)
            except TransportError as exc:
                tally.errors[f"transport {str(exc).split(':')[0]}"] += 1
                continue
            if ok:
                tally.paths.append((time.perf_counter() - t0) * 1000)

    cpu0, machine0 = time.process_time(), _cpu_times()
    ticker = asyncio.create_task(_progress(label, tally, started))
    try:
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
        cpu, machine1 = time.process_time() - cpu0, _cpu_times()
    finally:
        ticker.cancel()
        await asyncio.gather(*(c.close() for c in conns))
    busy = None
    if machine0 and machine1 and machine1[0] > machine0[0]:
        busy = round(1 - (machine1[1] - machine0[1]) / (machine1[0] - machine0[0]), 3)
    return {"completed": len(tally.paths), "per_s": round(len(tally.paths) / elapsed, 1),
            "elapsed_s": round(elapsed, 2), "path": _pcts(tally.paths),
            "steps": {k: _pcts(v) for k, v in tally.steps.items()},
            "errors": dict(tally.errors), "client_cpu_cores": round(cpu / elapsed, 3),
            "machine_cpu_busy": busy, "_tally": tally}


def _reference_iteration(skus: list[str], hot: bool):
    async def write(client: Connection, n: int, tally: Tally) -> bool:
        t0 = time.perf_counter()
        r = await client.post(REFERENCE_PATH, json={"sku_id": skus[0] if hot
                                                    else random.choice(skus)})
        return _record(tally, "write", r, 200, t0)
    return write


def _golden_path(shop: Shop):
    auth = [{"Authorization": f"Bearer {t}"} for t in shop.tokens]

    async def golden_path(client: Connection, n: int, tally: Tally) -> bool:
        picked = shop.skus[:1] if shop.hot else random.sample(shop.skus, shop.lines)
        items = [{"sku_id": s, "quantity": 1} for s in picked]
        if shop.preview:
            t0 = time.perf_counter()
            r = await client.post("/v1/checkout/preview", json={"items": items}, headers=auth[n])
            if not _record(tally, PREVIEW, r, 200, t0):
                return False
        t0 = time.perf_counter()
        r = await client.post("/v1/orders", json={"items": items}, headers=auth[n])
        if not _record(tally, PLACE, r, 201, t0):
            return False
        t0 = time.perf_counter()
        r = await client.post(f"/v1/orders/{r.json()['id']}/payments",
                              json={"channel": "sandbox"}, headers=auth[n])
        if not _record(tally, PAY, r, 202, t0):
            return False
        payment = r.json()
        # The body payments/sandbox.py posts; the ledger only needs the provider's event id
        # to be unique, so the client names it instead of the sandbox charge id.
        raw = json.dumps({
            "provider_event_id": f"bench_{payment['id']}", "payment_id": payment["id"],
            "status": "succeeded", "amount_cents": payment["amount_cents"],
            "currency": payment["currency"], "occurred_at": datetime.now(UTC).isoformat(),
            "reason": None}).encode()
        t0 = time.perf_counter()
        r = await client.post(CALLBACK_PATH, content=raw, headers={
            "content-type": "application/json", "x-flywheel-signature": sign(shop.secret, raw)})
        if not _record(tally, CALLBACK, r, 200, t0):
            return False
        outcome = r.json()["outcome"]
        if outcome != "paid":
            tally.errors[f"callback {outcome}"] += 1
            return False
        if len(tally.replays) < REPLAYS:
            tally.replays.append(raw)
        return True
    return golden_path


def _run_engine(engine: str, args: argparse.Namespace, secret: str) -> dict:
    with engine_api(engine, args, secret) as (api, db_url):
        log = api.var / "logs" / "api.log" if api.var else None
        try:
            print(f"{engine}: setting up {args.skus} SKUs and {args.shoppers} shoppers on "
                  f"{api.url}", flush=True)
            skus, tokens, user_ids = run(setup_shop(api.url, api.admin_token, args.skus,
                                                    args.shoppers))
            preview, note = probe_preview(api.url, tokens[0], skus[0])
            shop = Shop(skus, tokens, user_ids, secret, preview, args.hot_sku,
                        min(args.lines, len(skus)))
            print(f"{engine}: preview: {note}; timing the golden path", flush=True)
            rounds, replays, paid, figures = [], [], 0, None
            for k in range(args.rounds):
                before = orders_in_db(db_url)
                label = engine if args.rounds == 1 else f"{engine} round {k + 1}"
                f = run(_drive(label, api.url, args.shoppers, _golden_path(shop),
                               orders=args.orders, seconds=args.seconds))
                tally = f.pop("_tally")
                replays += tally.replays[:REPLAYS - len(replays)]
                paid += len(tally.paths)
                if log and any(e.split()[-1].startswith("5") for e in tally.errors):
                    print_server_errors(log)
                rounds.append({"orders_before": before, "per_s": f["per_s"],
                               "p50": f["path"]["p50"], "p99": f["path"]["p99"],
                               "errors": f["errors"]})
                figures = figures or f  # the headline figures are the fresh shop's
            figures["rounds"] = rounds
            figures["preview"] = note
            figures["checks"] = run_checks(api.url, api.admin_token, secret, db_url,
                                           user_ids=user_ids, stock=dict.fromkeys(skus, STOCK),
                                           replays=replays, client_paid=paid,
                                           lake=api.var / "lake" if api.var else None)
        except Exception:
            if log:
                print_server_errors(log)
            raise
    return figures


def _run_reference(args: argparse.Namespace) -> dict:
    skus = [f"ref-{k}" for k in range(args.skus)]
    with reference_server(skus, STOCK) as url:
        print(f"reference: bare FastAPI + one raw sqlite3 WAL write transaction on {url}",
              flush=True)
        figures = run(_drive("reference", url, args.shoppers,
                                     _reference_iteration(skus, args.hot_sku),
                                     orders=args.orders, seconds=args.seconds))
    figures.pop("_tally")
    return figures


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def _print_engine(name: str, f: dict) -> None:
    path, c = f["path"], f["checks"]
    errors = ", ".join(f"{k}: {n}" for k, n in sorted(f["errors"].items())) or "none"
    print(f"{name:10} {f['per_s']:8.1f} {_ms(path['p50']):>8} {_ms(path['p99']):>8} "
          f"{f['ratio_to_reference']:8.3f}x  errors: {errors}")
    steps = "  ".join(f"{k} {_ms(v['p50'])}/{_ms(v['p99'])}" for k, v in f["steps"].items())
    print(f"{'':10} steps p50/p99 ms: {steps}")
    print(f"{'':10} checks: ledger {'consistent' if c['ledger_consistent'] else 'INCONSISTENT'}"
          f", {c['oversold_units']} oversold units, {c['stock_mismatch_skus']} SKUs whose "
          f"deductions differ from units sold; {c['paid_orders']} paid orders (client counted "
          f"{c['client_counted_paid']}), {c['double_counted']} double-counted; captured "
          f"{c['captured_cents']} = paid totals {c['paid_totals_cents']} cents: "
          f"{c['captured_cents'] == c['paid_totals_cents']}; {c['replayed_callbacks']} "
          f"replayed callbacks, {c['replays_not_duplicate']} not answered duplicate  "
          f"{'OK' if c['ok'] and f['completed'] else 'FAILED'}")
    if "outbox_events" in c:
        print(f"{'':10} events: {c['outbox_events']} in the outbox, {c['unpublished_events']} "
              f"unpublished, {c['events_missing_from_lake']} missing from the lake, "
              f"{c['events_landed_twice']} landed twice")
    if len(f["rounds"]) > 1:
        print(f"{'':10} rounds on the same shop (orders already in the database: paid/s, "
              "p50/p99 ms):")
        for k, r in enumerate(f["rounds"], start=1):
            print(f"{'':12} {k:3d}: {r['orders_before']:8d} orders: {r['per_s']:7.1f}/s  "
                  f"{_ms(r['p50'])}/{_ms(r['p99'])}")
    busy = f["machine_cpu_busy"]
    print(f"{'':10} load client CPU {f['client_cpu_cores']:.2f} core; machine CPU busy "
          f"{'-' if busy is None else f'{busy:.0%}'}", flush=True)


def cmd_bench_checkout(args: argparse.Namespace) -> int:
    from transactional_api.cli.bench import _emit_json

    if args.orders is None and args.seconds is None:
        args.seconds = 10.0
    secret = running_api_secret() if args.api else secrets.token_urlsafe(32)
    engines = ["api"] if args.api else (["sqlite", "postgres"] if args.db == "both"
                                        else [args.db])
    budget = f"{args.orders} orders" if args.orders else f"{args.seconds:g} s"
    print(f"bench checkout: {args.shoppers} shoppers, {args.skus} SKUs"
          f"{' (all buy one hot SKU)' if args.hot_sku else ''}, {budget} per engine, "
          f"{args.workers} API worker(s)", flush=True)
    reference = _run_reference(args)
    results, skipped, failed = {}, {}, {}
    for engine in engines:
        try:
            results[engine] = _run_engine(engine, args, secret)
        except PostgresUnavailable as exc:
            skipped[engine] = str(exc)
            print(f"{engine}: skipped: {exc}", flush=True)
            continue
        except Exception as exc:  # one engine failing must not lose the other's figures
            failed[engine] = f"{type(exc).__name__}: {exc}"
            print(f"{engine}: FAILED: {failed[engine]}", flush=True)
            continue
        results[engine]["ratio_to_reference"] = round(
            results[engine]["per_s"] / reference["per_s"], 4) if reference["per_s"] else None
    r = reference["path"]
    print(f"\nreference (bare FastAPI, one raw sqlite3 WAL write: decrement + 2 inserts): "
          f"{reference['per_s']:.0f} writes/s, p50 {_ms(r['p50'])} ms, p99 {_ms(r['p99'])} ms, "
          f"errors {reference['errors'] or 'none'}")
    print(f"{'engine':10} {'paid/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs ref':>9}")
    for engine, f in results.items():
        _print_engine(engine, f)
    for engine, why in skipped.items():
        print(f"{engine:10} skipped: {why}")
    for engine, why in failed.items():
        print(f"{engine:10} FAILED: {why}")
    # a run that paid nothing checked nothing
    ok = not failed and all(f["checks"]["ok"] and f["completed"] for f in results.values())
    _emit_json(args, {"bench": "checkout", "shoppers": args.shoppers, "skus": args.skus,
                      "hot_sku": args.hot_sku, "lines": args.lines, "workers": args.workers,
                      "orders": args.orders, "seconds": args.seconds, "rounds": args.rounds,
                      "reference": reference, "engines": results, "skipped": skipped,
                      "failed": failed,
                      "ok": ok})
    return 0 if ok else 1


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def add_bench_checkout(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("checkout", help="the golden path (preview, place, pay, callback) "
                        "with concurrent shoppers, as a ratio to a bare SQLite write")
    p.add_argument("--api", default=None,
                   help="measure a running API (default: start a fresh one per engine)")
    p.add_argument("--json", action="store_true",
                   help="also print the figures as one JSON object, last line")
    p.add_argument("--shoppers", type=int, default=16, help="concurrent shoppers")
    p.add_argument("--skus", type=int, default=200, help="listed SKUs the shoppers buy from")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--orders", type=int, default=None, help="golden paths to start")
    budget.add_argument("--seconds", type=float, default=None,
                        help="how long to run each engine (default 10)")
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--hot-sku", action="store_true", help="every shopper buys the same SKU")
    p.add_argument("--lines", type=int, default=1, help="SKUs per order (not with --hot-sku)")
    p.add_argument("--rounds", type=_positive, default=1,
                   help="timed rounds one after the other on the same shop: how the figures "
                   "change as its order history grows")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="API worker processes when the bench starts the API (default: one "
                   "per core, as a single Python process uses one core at most)")
    p.set_defaults(func=cmd_bench_checkout)
