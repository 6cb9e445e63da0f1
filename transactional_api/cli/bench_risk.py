"""`flywheel bench risk`: what the risk rules and the audience check cost a placement.

Starts a fresh API on a fresh var dir (bench_server.py) with a trusted audience set
(settings.risk_trusted_audience, so every placement also asks in_audience), seeds a
product, the audience and shoppers (each with its own device id), then places orders from
one asyncio client and reads the API's own timing of its checks from the Server-Timing
header (risk;dur=…, audience;dur=…). Prints p50/p99 of the checks, of the placement as
the client saw it (the reference, same run), and their ratio. With --api, the running API
is measured as configured (audience;dur is 0 when it has no trusted audience).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
import uuid

import httpx

from transactional_api.cli.bench_server import bench_api

AUDIENCE = "bench-trusted"
_TIMING = re.compile(r"(\w+);dur=([0-9.]+)")


def _q(values: list[float]) -> dict:
    q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": max(values)}


def _seed(api, shoppers: int, orders: int) -> tuple[str, list[tuple[str, str]]]:
    run = uuid.uuid4().hex[:8]
    sku = api.product(stock=orders * 2 + 100, price_cents=1500)["skus"][0]["id"]
    with api.admin() as admin:
        r = admin.post("/v1/admin/audiences", json={
            "name": AUDIENCE, "rule": {"or": [{"attr": "orders_count", "gt": 2},
                                              {"attr": "level", "eq": "gold"}]}})
        if r.status_code not in (201, 409):  # 409: a running API has it already
            r.raise_for_status()
    people = []
    with httpx.Client(base_url=api.url, timeout=60) as c:
        for i in range(shoppers):
            token = c.post("/v1/auth/register", json={
                "email": f"risk-{run}-{i}@bench.local", "password": "bench-shopper-1"}
            ).raise_for_status().json()["token"]
            people.append((token, f"device-{run}-{i}"))
    return sku, people


async def _load(url: str, sku: str, people: list[tuple[str, str]], orders: int,
                concurrency: int) -> dict:
    checks: dict[str, list[float]] = {"risk": [], "audience": [], "both": []}
    latency: list[float] = []
    errors = 0
    todo = iter(range(orders))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for n in todo:
            token, device = people[n % len(people)]
            t0 = time.perf_counter()
            r = await client.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]},
                                  headers={"Authorization": f"Bearer {token}",
                                           "X-Device-Id": device})
            latency.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 201:
                errors += 1
                continue
            found = {k: float(v) for k, v in _TIMING.findall(r.headers.get("server-timing", ""))}
            checks["risk"].append(found.get("risk", 0.0))
            checks["audience"].append(found.get("audience", 0.0))
            checks["both"].append(found.get("risk", 0.0) + found.get("audience", 0.0))

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if not checks["both"]:
        raise SystemExit(f"no placement succeeded ({errors} errors)")
    return {"orders": len(latency), "rps": len(latency) / elapsed, "errors": errors,
            "placement": _q(latency), "risk": _q(checks["risk"]),
            "audience": _q(checks["audience"]), "checks": _q(checks["both"])}


def cmd_bench_risk(args: argparse.Namespace) -> int:
    from transactional_api.cli.bench import _admin_creds, _emit_json

    # the bench's own API: one client address registers every shopper; risk as shipped,
    # plus the trusted audience so each placement asks it
    env = {"FLYWHEEL_RISK_TRUSTED_AUDIENCE": AUDIENCE,
           "FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT": "1000000",
           "FLYWHEEL_LOGIN_ATTEMPTS_PER_MINUTE_PER_ACCOUNT": "1000000"}
    with bench_api(args.api, env=env, admin=_admin_creds(), workers=args.workers) as api:
        sku, people = _seed(api, args.shoppers, args.orders + args.warmup)
        print(f"{len(people)} shoppers; {args.orders} placements, {args.concurrency} clients, "
              f"against {api.url}", flush=True)
        if args.warmup:
            asyncio.run(_load(api.url, sku, people, args.warmup, args.concurrency))
        r = asyncio.run(_load(api.url, sku, people, args.orders, args.concurrency))
    ratio50 = r["checks"]["p50"] / r["placement"]["p50"]
    ratio99 = r["checks"]["p99"] / r["placement"]["p99"]
    print(f"{'in the API (Server-Timing)':34} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, key in (("risk rules", "risk"), ("audience check", "audience"),
                       ("risk + audience", "checks"), ("POST /v1/orders (client)", "placement")):
        q = r[key]
        print(f"{label:34} {q['p50']:8.3f} {q['p95']:8.3f} {q['p99']:8.3f}")
    print(f"checks vs placement: p50 {ratio50:.3f}x, p99 {ratio99:.3f}x; "
          f"{r['rps']:.0f} placements/s, {r['errors']} errors", flush=True)
    _emit_json(args, {"bench": "risk", "reference": "POST /v1/orders (client-side latency)",
                      "orders": r["orders"], "shoppers": len(people),
                      "concurrency": args.concurrency, "workers": args.workers,
                      "rps": r["rps"], "errors": r["errors"], "risk_ms": r["risk"],
                      "audience_ms": r["audience"], "checks_ms": r["checks"],
                      "placement_ms": r["placement"], "p50_ratio": ratio50,
                      "p99_ratio": ratio99, "target_checks_p99_ms": 2.0,
                      "checks_p99_under_target": r["checks"]["p99"] < 2.0})
    return 1 if r["errors"] else 0


def add_bench_risk(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("risk", help="risk rules and audience check inside a placement")
    p.add_argument("--api", default=None,
                   help="measure a running API (default: start a fresh one)")
    p.add_argument("--json", action="store_true",
                   help="also print the figures as one JSON object, last line")
    p.add_argument("--orders", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--shoppers", type=int, default=50)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--workers", type=int, default=1,
                   help="API worker processes when the bench starts the API")
    p.set_defaults(func=cmd_bench_risk)
