"""`flywheel flash worker|reconcile`: the flash-sale order worker as a process of its own
(the API runs one in each process too; any number may run, they share one consumer group),
and a sale's reconciliation by hand."""

from __future__ import annotations

import argparse
import json
import time

import redis
from sqlalchemy.orm import sessionmaker

from transactional_api.config import Settings
from transactional_api.core.db import make_engine
from transactional_api.core.redis_server import ensure_embedded_redis
from transactional_api.flash_sales import jobs, reconcile, service, worker
from transactional_api.migrations import upgrade


def _open(settings: Settings):
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url, settings.db_options)
    redis_url = settings.redis_url or ensure_embedded_redis(settings.var_dir,
                                                            settings.redis_port)[0]
    return engine, sessionmaker(engine, expire_on_commit=False), redis.Redis.from_url(redis_url)


def cmd_worker(args: argparse.Namespace) -> int:
    settings = Settings()
    engine, sessions, client = _open(settings)
    name = worker.consumer_name()
    try:
        while True:
            made = worker.consume(sessions, client, queue=settings.flash_queue,
                                  consumer=name, block_ms=1000)
            if args.with_jobs:
                jobs.tick(sessions, client, settings)
            if args.once and not made:
                return 0
            if not made:
                time.sleep(0.05)
    finally:
        engine.dispose()


def cmd_reconcile(args: argparse.Namespace) -> int:
    settings = Settings()
    engine, sessions, client = _open(settings)
    try:
        with sessions() as s:
            report = reconcile.report(s, client, service.get(s, args.sale_id))
    finally:
        engine.dispose()
    print(json.dumps(report, indent=2, default=str))
    return 0 if not report["differences"] else 1


def add_flash(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("flash", help="flash sales: the order worker, a sale's reconciliation")
    fsub = p.add_subparsers(dest="flash_command", required=True)
    w = fsub.add_parser("worker", help="make the orders of won reservations from the queue")
    w.add_argument("--once", action="store_true", help="stop when the queue is empty")
    w.add_argument("--with-jobs", action="store_true",
                   help="also arm, end and give back (as the API's flash-jobs timer does)")
    w.set_defaults(func=cmd_worker)
    r = fsub.add_parser("reconcile", help="compare Redis, the stock ledger and the orders")
    r.add_argument("sale_id")
    r.set_defaults(func=cmd_reconcile)
