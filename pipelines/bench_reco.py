"""`flywheel bench reco`: training every model at size, and the recommendation endpoints
over HTTP (run as `python -m pipelines.bench_reco`; the CLI forwards its arguments).

Training: `--interactions` synthetic interactions (recommender/synthetic.py) through the
very train_bundle the Dagster asset runs, timed per model; the reference is a popularity
count (one group-by) over the same frame, measured in the same run.

Serving: a fresh API (`--workers` processes, own redis-server, fresh var dir) with
`--products` listed products; a bundle trained on synthetic behaviour over those products
is published through publish_bundle; then each endpoint is loaded by wrk (Debian's package;
the asyncio client when absent) twice: `--connections` for throughput, and
`--latency-connections` for latency below saturation. The reference is GET /healthz,
measured the same way in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import UTC, datetime

import httpx
import redis as redis_lib

from pipelines.serve.recommendations import publish_bundle
from recommender import synthetic
from recommender.bundle import Inputs, train_bundle
from transactional_api.cli.bench_load import measure
from transactional_api.cli.bench_server import bench_api

TARGET_TRAIN_SECONDS = 60.0
TARGET_P99_MS = 5.0
TARGET_RPS = 2000.0


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _inputs(b: synthetic.Behaviour) -> Inputs:
    sessions = synthetic.sessions_of(b.interactions)
    return Inputs(
        interactions=b.interactions, orders=b.orders,
        categories=dict(zip(b.products["product_id"], b.products["category_id"], strict=True)),
        segments=dict(zip(b.users["user_id"], b.users["segment"], strict=True)),
        regions=dict(zip(b.users["user_id"], b.users["region"], strict=True)),
        sessions=sessions)


def bench_training(n: int) -> dict:
    say(f"generating {n:,} synthetic interactions")
    b = synthetic.make(n, items=max(50, min(20_000, n // 50)), users=max(20, n // 20))
    inputs = _inputs(b)
    t0 = time.perf_counter()
    b.interactions.groupby("product_id")["weight"].sum().nlargest(50)
    reference = time.perf_counter() - t0
    t0 = time.perf_counter()
    bundle, timings = train_bundle(inputs, now=datetime(2026, 2, 1, tzinfo=UTC),
                                   version="bench", progress=say)
    total = time.perf_counter() - t0
    return {"interactions": n, "seconds": total, "seconds_by_model": timings,
            "reference_seconds": reference, "ratio_to_reference": total / max(reference, 1e-9),
            "target_seconds": TARGET_TRAIN_SECONDS, "met": total <= TARGET_TRAIN_SECONDS,
            "lists": {k: len(v) for k, v in bundle["lists"].items()}}


def _seed(api, products: int) -> dict:
    run = uuid.uuid4().hex[:8]
    with api.admin() as a:
        cats = [a.post("/v1/admin/categories", json={"name": f"Reco c{i}",
                                                     "slug": f"reco-{run}-c{i}"}
                       ).raise_for_status().json()["id"] for i in range(10)]
        ids = []
        for i in range(products):
            ids.append(a.post("/v1/admin/products", json={
                "category_id": cats[i % 10], "name": f"Reco item {i}", "status": "listed",
                "skus": [{"code": f"R{run}-{i}", "name": "one", "price_cents": 1000 + i,
                          "stock": 10_000}]}).raise_for_status().json()["id"])
    with httpx.Client(base_url=api.url, timeout=60) as c:
        token = c.post("/v1/auth/register", json={
            "email": f"reco-{run}@bench.local", "password": "bench-shopper-1"}
        ).raise_for_status().json()["token"]
        user_id = c.get("/v1/me", headers={"Authorization": f"Bearer {token}"}
                        ).raise_for_status().json()["id"]
    return {"products": ids, "token": token, "user_id": user_id}


def _bundle_for(shop: dict) -> dict:
    """Synthetic behaviour over the shop's real product ids; the bench shopper is user u0."""
    ids = shop["products"]
    b = synthetic.make(50 * len(ids), items=len(ids), users=200, categories=10)
    real = {f"p{i}": pid for i, pid in enumerate(ids)}
    people = {"u0": shop["user_id"]}
    frames = []
    for frame in (b.interactions, b.orders):
        frame = frame.assign(product_id=frame["product_id"].map(real))
        frames.append(frame.assign(user_id=frame["user_id"].map(lambda u: people.get(u, u))))
    b = synthetic.Behaviour(frames[0], frames[1],
                            b.products.assign(product_id=b.products["product_id"].map(real)),
                            b.users.assign(user_id=b.users["user_id"].map(
                                lambda u: people.get(u, u))))
    bundle, _ = train_bundle(_inputs(b), now=datetime.now(UTC),
                             version=f"bench-{uuid.uuid4().hex[:6]}")
    return bundle


def bench_serving(args: argparse.Namespace) -> dict:
    with bench_api(args.api, workers=args.workers) as api:
        say(f"seeding {args.products} products on {api.url}")
        shop = _seed(api, args.products)
        redis_url = api.redis_url or args.redis_url
        if redis_url is None:
            raise SystemExit("with --api, also give --redis-url (the API's Redis)")
        client = redis_lib.Redis.from_url(redis_url)
        published = publish_bundle(client, _bundle_for(shop))
        client.close()
        say(f"published bundle {published['version']} ({published['lists']} lists)")
        p0, p1, p2 = shop["products"][:3]
        auth = {"Authorization": f"Bearer {shop['token']}"}
        targets = [
            ("GET /healthz (reference)", "/healthz", None),
            ("home, signed in", "/v1/recommendations/home", auth),
            ("product page, session-aware",
             f"/v1/recommendations/products/{p0}?recent={p1},{p2}", None),
            ("cart", f"/v1/recommendations/cart?items={p0},{p1}", None),
            ("bought together", f"/v1/recommendations/products/{p0}/bought-together", None),
        ]
        rows: dict[str, dict] = {}
        for label, path, headers in targets:
            say(f"loading {label}")
            with httpx.Client(base_url=api.url, timeout=30) as c:
                c.get(path, headers=headers).raise_for_status()  # fails loudly, not in wrk
            load = measure(api.url, path, seconds=args.seconds, connections=args.connections,
                           headers=headers)
            light = measure(api.url, path, seconds=args.seconds,
                            connections=args.latency_connections, headers=headers)
            rows[label] = {"rps": load["rps"], "p50_ms": light["p50"], "p99_ms": light["p99"],
                           "p99_ms_saturated": load["p99"],
                           "errors": load["errors"] + light["errors"],
                           "client": load["client"]}
    ref = rows["GET /healthz (reference)"]["rps"]
    for row in rows.values():
        row["rps_ratio_to_reference"] = row["rps"] / ref if ref else 0.0
    return {"endpoints": rows, "workers": args.workers, "connections": args.connections,
            "latency_connections": args.latency_connections}


def _print(training: dict | None, serving: dict | None) -> None:
    if training:
        print(f"training on {training['interactions']:,} interactions: "
              f"{training['seconds']:.1f} s (target {TARGET_TRAIN_SECONDS:.0f} s: "
              f"{'met' if training['met'] else 'MISSED'}); reference popularity count "
              f"{training['reference_seconds']:.2f} s, {training['ratio_to_reference']:.0f}x")
        for name, s in training["seconds_by_model"].items():
            print(f"  {name:18} {s:7.1f} s")
    if serving:
        print(f"{'endpoint':32} {'req/s':>8} {'vs ref':>7} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'p99 sat.':>8} {'errors':>6}")
        for label, r in serving["endpoints"].items():
            print(f"{label:32} {r['rps']:8.0f} {r['rps_ratio_to_reference']:6.2f}x "
                  f"{r['p50_ms']:7.2f} {r['p99_ms']:7.2f} {r['p99_ms_saturated']:8.2f} "
                  f"{r['errors']:6d}")
        print(f"targets: p99 <= {TARGET_P99_MS} ms (at {serving['latency_connections']} "
              f"connections) and >= {TARGET_RPS:.0f} req/s (at {serving['connections']}), "
              f"{serving['workers']} API workers")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench_reco")
    p.add_argument("--interactions", type=int, default=1_000_000)
    p.add_argument("--products", type=int, default=200)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--latency-connections", type=int, default=4)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--api", default=None)
    p.add_argument("--redis-url", default=None)
    p.add_argument("--skip-training", action="store_true")
    p.add_argument("--skip-serving", action="store_true")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    training = None if args.skip_training else bench_training(args.interactions)
    serving = None if args.skip_serving else bench_serving(args)
    _print(training, serving)
    if args.json:
        print(json.dumps({"bench": "reco", "training": training, "serving": serving,
                          "target_p99_ms": TARGET_P99_MS, "target_rps": TARGET_RPS},
                         default=float, separators=(",", ":")), flush=True)
    errors = sum(r["errors"] for r in (serving or {}).get("endpoints", {}).values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
