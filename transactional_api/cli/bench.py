"""`flywheel bench …`: figures from a running API.

- `bench api`: latency and throughput of the hot read paths, one row per endpoint
  (requests/s, p50/p95/p99 in ms), each as a ratio to the recommendations endpoint, which
  serves straight from Redis.
- `bench orders`: concurrent order placement on one SKU, the write path that serialises on
  its stock row; checks afterwards that stock fell by exactly the units ordered.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from transactional_api.config import Settings


def _quantiles(latencies: list[float], elapsed: float) -> dict:
    q = statistics.quantiles(latencies, n=100)
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


def cmd_bench_orders(args: argparse.Namespace) -> int:
    from transactional_api.cli.commands import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD

    settings = Settings()
    base = args.api or settings.api_url
    run = uuid.uuid4().hex[:8]
    with httpx.Client(base_url=base, timeout=60) as client:
        admin = client.post("/v1/auth/login", json={
            "email": settings.admin_email or DEMO_ADMIN_EMAIL,
            "password": settings.admin_password or DEMO_ADMIN_PASSWORD}).raise_for_status()
        auth = {"Authorization": f"Bearer {admin.json()['token']}"}
        category = client.post("/v1/admin/categories", headers=auth,
                               json={"name": f"Bench {run}", "slug": f"bench-{run}"}).json()
        product = client.post("/v1/admin/products", headers=auth, json={
            "category_id": category["id"], "name": f"Bench item {run}",
            "skus": [{"code": f"BENCH-{run}", "name": "one", "price_cents": 100,
                      "stock": args.orders}]}).raise_for_status().json()
        sku = product["skus"][0]["id"]
        tokens = [client.post("/v1/auth/register", json={
            "email": f"bench-{run}-{i}@example.com", "password": "bench-password"}
        ).raise_for_status().json()["token"] for i in range(args.concurrency)]

    latencies: list[float] = []
    lock = threading.Lock()
    per_client = args.orders // args.concurrency

    def shopper(token: str) -> None:
        with httpx.Client(base_url=base, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as c:
            for _ in range(per_client):
                t0 = time.perf_counter()
                c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}
                       ).raise_for_status()
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1000)

    print(f"{per_client * args.concurrency} orders on one SKU, {args.concurrency} shoppers, "
          f"against {base}", flush=True)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        for f in [pool.submit(shopper, t) for t in tokens]:
            f.result()
    r = _quantiles(latencies, time.perf_counter() - started)
    left = httpx.get(f"{base}/v1/products/{product['id']}").json()["skus"][0]["available"]
    print(f"{'orders/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'stock left':>11}")
    print(f"{r['rps']:9.1f} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} {left:11d}")
    expected = args.orders - per_client * args.concurrency
    if left != expected:
        print(f"STOCK MISMATCH: expected {expected} left", flush=True)
        return 1
    return 0


def add_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="benchmarks (print figures)")
    bsub = p.add_subparsers(dest="bench_command", required=True)
    api = bsub.add_parser("api", help="latency of the hot read paths of a running API")
    api.add_argument("--api", default=None, help="API base URL (default: FLYWHEEL_API_URL)")
    api.add_argument("--requests", type=int, default=2000)
    api.add_argument("--concurrency", type=int, default=8)
    api.set_defaults(func=cmd_bench)
    orders = bsub.add_parser("orders", help="concurrent order placement on one SKU")
    orders.add_argument("--api", default=None, help="API base URL (default: FLYWHEEL_API_URL)")
    orders.add_argument("--orders", type=int, default=400)
    orders.add_argument("--concurrency", type=int, default=8)
    orders.set_defaults(func=cmd_bench_orders)
