"""`flywheel bench api`: latency and throughput of the hot read paths of a running API.

Prints one row per endpoint (requests/s, p50/p95/p99 in ms) and the ratio of each to the
recommendations endpoint, which serves straight from Redis.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from transactional_api.config import Settings


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
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": q[49], "p95": q[94], "p99": q[98]}


def cmd_bench(args: argparse.Namespace) -> int:
    base = args.api or Settings().api_url
    with httpx.Client(base_url=base, timeout=30) as client:
        products = client.get("/v1/products", params={"limit": 1}).json()["items"]
    if not products:
        raise SystemExit("the shop has no products: run `flywheel demo` or simulate first")
    product_id = products[0]["id"]
    targets = [
        ("GET /v1/recommendations", "/v1/recommendations", {"product_id": product_id}),
        ("GET /v1/products/{id}", f"/v1/products/{product_id}", {}),
        ("GET /v1/products?limit=20", "/v1/products", {"limit": 20}),
        ("GET /healthz", "/healthz", {}),
    ]
    print(f"{args.requests} requests per endpoint, {args.concurrency} clients, against {base}")
    print(f"{'endpoint':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'p50 vs recos':>13} {'errors':>7}")
    baseline = None
    for label, path, params in targets:
        r = _measure(base, path, params, args.requests, args.concurrency)
        baseline = baseline or r["p50"]
        print(f"{label:28} {r['rps']:8.0f} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} "
              f"{r['p50'] / baseline:12.2f}x {r['errors']:7d}", flush=True)
    return 0


def add_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="benchmarks (print figures)")
    bsub = p.add_subparsers(dest="bench_command", required=True)
    api = bsub.add_parser("api", help="latency of the hot read paths of a running API")
    api.add_argument("--api", default=None, help="API base URL (default: FLYWHEEL_API_URL)")
    api.add_argument("--requests", type=int, default=2000)
    api.add_argument("--concurrency", type=int, default=8)
    api.set_defaults(func=cmd_bench)
