"""`flywheel bench reco`: training every recommender at size and the recommendation
endpoints over HTTP. The bench lives in pipelines/bench_reco.py (it trains with
recommender/ and publishes with pipelines/, which this package must not import): this
forwards the arguments to `python -m pipelines.bench_reco`."""

from __future__ import annotations

import argparse
import os

from transactional_api.cli.processes import run_module

_FORWARDED = ("interactions", "products", "seconds", "connections", "latency_connections",
              "workers", "api", "redis_url")


def cmd_bench_reco(args: argparse.Namespace) -> int:
    forwarded: list[str] = []
    for name in _FORWARDED:
        value = getattr(args, name)
        if value is not None:
            forwarded += [f"--{name.replace('_', '-')}", str(value)]
    for flag in ("skip_training", "skip_serving", "json"):
        if getattr(args, flag):
            forwarded.append(f"--{flag.replace('_', '-')}")
    return run_module("pipelines.bench_reco", *forwarded, env=dict(os.environ)).returncode


def add_bench_reco(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("reco", help="recommender training at size and the endpoints over "
                                     "HTTP (wrk)")
    p.add_argument("--interactions", type=int, default=1_000_000,
                   help="synthetic interactions to train every model on")
    p.add_argument("--products", type=int, default=200)
    p.add_argument("--seconds", type=float, default=10.0, help="load per endpoint and run")
    p.add_argument("--connections", type=int, default=32, help="for throughput")
    p.add_argument("--latency-connections", type=int, default=4, help="for latency")
    p.add_argument("--workers", type=int, default=2, help="API processes the bench starts")
    p.add_argument("--api", default=None, help="measure a running API")
    p.add_argument("--redis-url", default=None, help="its Redis, with --api")
    p.add_argument("--skip-training", action="store_true")
    p.add_argument("--skip-serving", action="store_true")
    p.add_argument("--json", action="store_true",
                   help="also print the figures as one JSON object, last line")
    p.set_defaults(func=cmd_bench_reco)
