"""`flywheel bench search --olist PATH`: catalog search latency on the Olist catalog.

Loads the Olist catalog with `flywheel import olist-catalog` (a subprocess, as an operator
would run it) into a fresh var dir, starts a fresh API on it (bench_server.py), then
measures, with one asyncio client so the load costs the server's cores little:

- a filtered, faceted search (words + a category subtree + a price range + in stock, with
  every facet), cycling through a pool of such queries built from the catalog itself;
- GET /healthz, the trivial reference, at the same concurrency in the same run;

and prints p50/p95/p99 of each and their ratio. With --api the running API is measured
and the import goes to the database this environment's FLYWHEEL_* variables name (the one
that API uses, as every Flywheel process agrees on them); it skips products already there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from transactional_api.cli.bench_server import bench_api

SEARCH = "/v1/search"
TRIVIAL = "/healthz"
_WORD = re.compile(r"^[^\W\d_]{4,}$")  # plain words: no ids, sizes or numbers


def _import(path: str, env: dict[str, str], limit: int | None) -> float:
    cmd = [sys.executable, "-m", "transactional_api.cli.main", "import", "olist-catalog", path,
           "--no-progress"]
    if limit:
        cmd += ["--limit", str(limit)]
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, text=True, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"import failed:\n{done.stdout}{done.stderr}")
    print(done.stdout.strip(), flush=True)
    return time.perf_counter() - started


def _wait_relayed(var: Path, timeout: float = 300.0) -> float:
    """Wait until the API has relayed the import's events (tens of thousands of product
    and stock events): measuring while that backlog drains would time the relay, not
    search. Returns the seconds waited."""
    from sqlalchemy import create_engine, func, or_, select

    from transactional_api.config import Settings
    from transactional_api.events.models import OutboxEvent

    engine = create_engine(Settings(var_dir=var).resolved_database_url)
    pending = select(func.count()).select_from(OutboxEvent).where(or_(
        OutboxEvent.published_at.is_(None), OutboxEvent.streamed_at.is_(None)))
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            with engine.connect() as conn:
                left = conn.execute(pending).scalar_one()
            if not left:
                break
            print(f"waiting for the API to relay the import's events: {left:,} left",
                  flush=True)
            time.sleep(2)
    finally:
        engine.dispose()
    return time.monotonic() - started


def _query_pool(base: str, size: int) -> list[dict]:
    """Filtered queries that find something, like a shopper's on a category page: a word
    from the names in a top-level category, that category, a price range around its
    middle, in stock only."""
    pool: list[dict] = []
    with httpx.Client(base_url=base, timeout=60) as c:
        top = c.get(SEARCH, params={"limit": 1}).raise_for_status().json()["facets"]
        cats = [f["id"] for f in top["categories"]][:10]
        options = []
        for cat in cats:
            items = c.get(SEARCH, params={"category_id": cat, "limit": 100, "facets": "false",
                                          "sort": "newest"}).raise_for_status().json()["items"]
            prices = sorted(i["min_price_cents"] for i in items)
            words = sorted({w.lower() for i in items for w in i["name"].split()
                            if _WORD.match(w)})
            if prices and words:
                low, high = prices[len(prices) // 5], prices[len(prices) * 4 // 5]
                options.append((cat, words, low, high))
        for i in range(size * 4):
            if len(pool) == size or not options:
                break
            cat, words, low, high = options[i % len(options)]
            params = {"q": words[(i // len(options)) % len(words)], "category_id": cat,
                      "min_price_cents": low, "max_price_cents": high, "in_stock": "true",
                      "limit": 20}
            if c.get(SEARCH, params={**params, "facets": "false"}).json()["total"] > 0:
                pool.append(params)
    if not pool:
        raise SystemExit("the catalog gave no filtered query with results: is it loaded?")
    return pool


async def _load(base: str, path: str, pool: list[dict], requests: int,
                concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    next_request = iter(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for n in next_request:
            t0 = time.perf_counter()
            r = await client.get(path, params=pool[n % len(pool)])
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += r.status_code != 200

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        for params in pool[:concurrency]:  # open the connections, warm the caches
            await client.get(path, params=params)
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": q[49],
            "p95": q[94], "p99": q[98], "errors": errors}


def _measure(base: str, pool: list[dict], requests: int, concurrency: int
             ) -> tuple[dict, dict]:
    # Warm-up pass over the whole pool (connection set-up, SQLite page cache, statement
    # caches), then the reference and the search back to back.
    asyncio.run(_load(base, SEARCH, pool, len(pool), concurrency))
    trivial = asyncio.run(_load(base, TRIVIAL, [{}], requests, concurrency))
    search = asyncio.run(_load(base, SEARCH, pool, requests, concurrency))
    return search, trivial


def cmd_bench_search(args: argparse.Namespace) -> int:
    from transactional_api.cli.bench import _admin_creds, _emit_json

    olist = str(Path(args.olist).resolve())
    var = None
    try:
        if args.api:
            imported = _import(olist, dict(os.environ), args.limit)
            env = None
        else:
            var = Path(tempfile.mkdtemp(prefix="flywheel-bench-search-"))
            imported = _import(olist, {**os.environ, "FLYWHEEL_VAR_DIR": str(var)}, args.limit)
            env = {"FLYWHEEL_VAR_DIR": str(var)}  # the API serves the catalog just loaded
        with bench_api(args.api, env=env, admin=_admin_creds(), workers=args.workers) as api:
            with httpx.Client(base_url=api.url, timeout=60) as c:
                products = c.get(SEARCH, params={"limit": 1, "facets": "false"}).json()["total"]
            if var is not None:
                _wait_relayed(var)
            pool = _query_pool(api.url, args.pool)
            print(f"{products:,} searchable products; {len(pool)} filtered queries; "
                  f"{args.requests} requests each, {args.concurrency} clients, against "
                  f"{api.url}", flush=True)
            search, trivial = _measure(api.url, pool, args.requests, args.concurrency)
    finally:
        if var is not None:
            shutil.rmtree(var, ignore_errors=True)
    ratio50, ratio99 = search["p50"] / trivial["p50"], search["p99"] / trivial["p99"]
    print(f"{'endpoint':44} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6}")
    for label, r in ((f"GET {SEARCH} (q+category+price+in_stock+facets)", search),
                     (f"GET {TRIVIAL}", trivial)):
        print(f"{label:44} {r['rps']:7.0f} {r['p50']:7.2f} {r['p95']:7.2f} {r['p99']:7.2f} "
              f"{r['errors']:6d}")
    print(f"search vs {TRIVIAL}: p50 {ratio50:.2f}x, p99 {ratio99:.2f}x", flush=True)
    _emit_json(args, {"bench": "search", "reference": f"GET {TRIVIAL}", "products": products,
                      "import_seconds": round(imported, 2), "queries": len(pool),
                      "concurrency": args.concurrency, "workers": args.workers,
                      "search": search, "trivial": trivial,
                      "p50_ratio": ratio50, "p99_ratio": ratio99})
    return 1 if search["errors"] or trivial["errors"] else 0


def add_bench_search(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("search", help="filtered, faceted search latency on the Olist catalog")
    p.add_argument("--olist", required=True, help="the Olist folder, e.g. ../shared/data/olist")
    p.add_argument("--api", default=None,
                   help="measure a running API (default: start a fresh one)")
    p.add_argument("--json", action="store_true",
                   help="also print the figures as one JSON object, last line")
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--pool", type=int, default=50, help="distinct filtered queries cycled")
    p.add_argument("--workers", type=int, default=1,
                   help="API worker processes when the bench starts the API")
    p.add_argument("--limit", type=int, default=None, help="import only the first N products")
    p.set_defaults(func=cmd_bench_search)

