"""`flywheel bench …`: figures, each as a ratio to a reference measured in the same run.

Without --api each bench starts a fresh API process on a fresh var dir (bench_server.py).
With --json the figures also come as one JSON object on the last line.

- `bench api`: the hot read paths (requests/s, p50/p95/p99 ms), as ratios to the
  recommendations endpoint, which serves straight from Redis.
- `bench orders`: concurrent order placement on one SKU, the write path that serialises on
  its stock row; checks afterwards that stock fell by exactly the units ordered.
- `bench login-flood`: product-page latency while clients hammer sign-in, as a ratio to
  the same page measured idle just before.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from transactional_api.cli.bench_checkout import add_bench_checkout
from transactional_api.cli.bench_flash import add_bench_flash
from transactional_api.cli.bench_pipeline import add_bench_pipeline
from transactional_api.cli.bench_pricing import add_bench_pricing
from transactional_api.cli.bench_reco import add_bench_reco
from transactional_api.cli.bench_risk import add_bench_risk
from transactional_api.cli.bench_search import add_bench_search
from transactional_api.cli.bench_server import bench_api
from transactional_api.cli.bench_settlement import add_bench_settlement
from transactional_api.config import Settings


def _quantiles(latencies: list[float], elapsed: float) -> dict:
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50": q[49], "p95": q[94], "p99": q[98]}


def _measure(base: str, path: str, params: dict, requests: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_worker = max(1, requests // concurrency)

    def worker() -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=30) as client:
            client.get(path, params=params)  # warm the connection
            for _ in range(per_worker):
                t0 = time.perf_counter()
                ok = client.get(path, params=params).status_code == 200
                dt = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(dt)
                    errors += not ok

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for f in [pool.submit(worker) for _ in range(concurrency)]:
            f.result()
    return {**_quantiles(latencies, time.perf_counter() - started), "errors": errors}


def _admin_creds() -> dict[str, str]:
    from transactional_api.cli.commands import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD

    settings = Settings()
    return {"email": settings.admin_email or DEMO_ADMIN_EMAIL,
            "password": settings.admin_password or DEMO_ADMIN_PASSWORD}


def _emit_json(args: argparse.Namespace, figures: dict) -> None:
    if args.json:
        print(json.dumps(figures, separators=(",", ":")), flush=True)


def cmd_bench(args: argparse.Namespace) -> int:
    with bench_api(args.api, admin=_admin_creds()) as api:
        product_id = api.product()["id"]
        targets = [
            ("GET /v1/recommendations", "/v1/recommendations", {"product_id": product_id}),
            ("GET /v1/products/{id}", f"/v1/products/{product_id}", {}),
            ("GET /v1/products?limit=20", "/v1/products", {"limit": 20}),
            ("GET /healthz", "/healthz", {}),
        ]
        print(f"{args.requests} requests per endpoint, {args.concurrency} clients, "
              f"against {api.url}")
        print(f"{'endpoint':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
              f"{'p50 vs recos':>13} {'errors':>7}")
        baseline, rows = None, {}
        for label, path, params in targets:
            r = _measure(api.url, path, params, args.requests, args.concurrency)
            baseline = baseline or r["p50"]
            r["p50_ratio"] = r["p50"] / baseline
            rows[label] = r
            print(f"{label:28} {r['rps']:8.0f} {r['p50']:8.2f} {r['p95']:8.2f} "
                  f"{r['p99']:8.2f} {r['p50_ratio']:12.2f}x {r['errors']:7d}", flush=True)
    _emit_json(args, {"bench": "api", "reference": "GET /v1/recommendations",
                      "endpoints": rows})
    return 0


def cmd_bench_orders(args: argparse.Namespace) -> int:
    run = uuid.uuid4().hex[:8]
    with bench_api(args.api, admin=_admin_creds()) as api:
        product = api.product(stock=args.orders)
        sku = product["skus"][0]["id"]
        with httpx.Client(base_url=api.url, timeout=60) as client:
            tokens = [client.post("/v1/auth/register", json={
                "email": f"bench-{run}-{i}@example.com", "password": "bench-password"}
            ).raise_for_status().json()["token"] for i in range(args.concurrency)]
        latencies: list[float] = []
        lock = threading.Lock()
        per_client = args.orders // args.concurrency

        def shopper(token: str) -> None:
            with httpx.Client(base_url=api.url, timeout=60,
                              headers={"Authorization": f"Bearer {token}"}) as c:
                for _ in range(per_client):
                    t0 = time.perf_counter()
                    c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}
                           ).raise_for_status()
                    with lock:
                        latencies.append((time.perf_counter() - t0) * 1000)

        print(f"{per_client * args.concurrency} orders on one SKU, {args.concurrency} "
              f"shoppers, against {api.url}", flush=True)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            for f in [pool.submit(shopper, t) for t in tokens]:
                f.result()
        r = _quantiles(latencies, time.perf_counter() - started)
        left = httpx.get(f"{api.url}/v1/products/{product['id']}").json()["skus"][0][
            "available"]
    expected = args.orders - per_client * args.concurrency
    print(f"{'orders/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'stock left':>11}")
    print(f"{r['rps']:9.1f} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} {left:11d}")
    if left != expected:
        print(f"STOCK MISMATCH: expected {expected} left", flush=True)
    _emit_json(args, {"bench": "orders", **r, "stock_left": left,
                      "stock_expected": expected})
    return 0 if left == expected else 1


def cmd_bench_login_flood(args: argparse.Namespace) -> int:
    env = {}
    if args.login_limit is not None:
        env = {"FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT": str(args.login_limit),
               "FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_ACCOUNT": str(args.login_limit)}
    with bench_api(args.api, env=env, admin=_admin_creds()) as api:
        page = f"/v1/products/{api.product()['id']}"
        idle = _measure(api.url, page, {}, args.requests, 1)
        stop, outcomes, lock = threading.Event(), {}, threading.Lock()

        def flood(i: int) -> None:
            with httpx.Client(base_url=api.url, timeout=60) as c:
                while not stop.is_set():
                    code = c.post("/v1/auth/login", json={
                        "email": f"victim{i % 4}@example.com",
                        "password": "wrong-password"}).status_code
                    with lock:
                        outcomes[code] = outcomes.get(code, 0) + 1

        threads = [threading.Thread(target=flood, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(1.0)  # let the flood build up
        loaded = _measure(api.url, page, {}, args.requests, 1)
        stop.set()
        for t in threads:
            t.join()
    ratio = loaded["p50"] / idle["p50"]
    print(f"product page, idle:         p50 {idle['p50']:7.2f} ms  p99 {idle['p99']:7.2f} ms")
    print(f"product page, {args.clients:2d}-client login flood: p50 {loaded['p50']:7.2f} ms  "
          f"p99 {loaded['p99']:7.2f} ms  ({ratio:.2f}x idle p50)")
    print(f"sign-in answers during the flood: {dict(sorted(outcomes.items()))}")
    _emit_json(args, {"bench": "login-flood", "reference": "product page idle",
                      "idle": idle, "flood": loaded, "p50_ratio": ratio,
                      "p99_ratio": loaded["p99"] / idle["p99"],
                      "login_answers": {str(k): v for k, v in outcomes.items()}})
    return 0


def add_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="benchmarks (print figures)")
    bsub = p.add_subparsers(dest="bench_command", required=True)

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--api", default=None,
                            help="measure a running API (default: start a fresh one)")
        parser.add_argument("--json", action="store_true",
                            help="also print the figures as one JSON object, last line")

    api = bsub.add_parser("api", help="latency of the hot read paths")
    common(api)
    api.add_argument("--requests", type=int, default=2000)
    api.add_argument("--concurrency", type=int, default=8)
    api.set_defaults(func=cmd_bench)
    orders = bsub.add_parser("orders", help="concurrent order placement on one SKU")
    common(orders)
    orders.add_argument("--orders", type=int, default=400)
    orders.add_argument("--concurrency", type=int, default=8)
    orders.set_defaults(func=cmd_bench_orders)
    flood = bsub.add_parser("login-flood", help="product page latency under a login flood")
    common(flood)
    flood.add_argument("--clients", type=int, default=16)
    flood.add_argument("--requests", type=int, default=200)
    flood.add_argument("--login-limit", type=float, default=None,
                       help="sign-in attempts per minute per client and per account "
                            "(default: the API's own setting)")
    flood.set_defaults(func=cmd_bench_login_flood)
    add_bench_search(bsub)
    add_bench_checkout(bsub)
    add_bench_risk(bsub)
    add_bench_pipeline(bsub)
    add_bench_pricing(bsub)
    add_bench_reco(bsub)
    add_bench_flash(bsub)
    add_bench_settlement(bsub)
