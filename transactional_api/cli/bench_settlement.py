"""`flywheel bench settlement`: one monthly settlement run over N completed sub-orders of
M merchants, in a fresh var dir. The rows are bulk-inserted (this measures the run, not
checkout); prints seconds, sub-orders per second and the reconciliation result, beside a
reference measured in the same run on the same file: one bare INSERT ... SELECT writing a
row per sub-order (the least any settlement must do), so the ratio reads the same on a
faster or slower machine."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def run(merchants: int, orders: int, var_dir: Path) -> dict:
    from sqlalchemy.orm import sessionmaker

    from transactional_api.config import Settings
    from transactional_api.core.db import make_engine, read_only, transaction
    from transactional_api.migrations import upgrade
    from transactional_api.settlement import service
    from transactional_api.settlement.reconciliation import reconcile
    from transactional_api.settlement.seed import seed_completed

    settings = Settings(var_dir=var_dir, settlement_default_cycle="monthly",
                        settlement_window_days=30)
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url, settings.db_options)
    try:
        t0 = time.perf_counter()
        seed_completed(engine, merchants=merchants, orders=orders,
                       start=datetime(2025, 1, 1, tzinfo=UTC), spread_seconds=28 * 86400)
        seeded = time.perf_counter() - t0
        reference = _reference(engine)
        sessions = sessionmaker(engine)
        t0 = time.perf_counter()
        out = service.run_cycle(sessions=sessions, settings=settings,
                                at=datetime(2025, 3, 1, 6, tzinfo=UTC))
        seconds = time.perf_counter() - t0
        with transaction(sessionmaker(read_only(engine))) as s:
            rec = reconcile(s)
    finally:
        engine.dispose()
    return {"merchants": merchants, "sub_orders": orders, "seed_seconds": round(seeded, 2),
            "seconds": round(seconds, 2), "reference_seconds": round(reference, 3),
            "ratio_to_reference": round(seconds / reference, 1) if reference else None,
            "sub_orders_per_second": round(orders / seconds) if seconds else None,
            **out, "reconciled": rec["ok"], "differences": rec["differences"]}


def _reference(engine) -> float:
    with engine.begin() as conn:
        t0 = time.perf_counter()
        conn.exec_driver_sql("CREATE TABLE bench_reference AS SELECT id, merchant_id, "
                             "currency, total_cents, completed_at FROM sub_orders")
        seconds = time.perf_counter() - t0
        conn.exec_driver_sql("DROP TABLE bench_reference")
    return seconds


def cmd_bench_settlement(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="flywheel-bench-settlement-") as tmp:
        figures = run(args.merchants, args.orders, Path(tmp))
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>24}: {value}")
    return 0 if figures["reconciled"] else 1


def add_bench_settlement(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("settlement", help="a monthly settlement run over bulk-made "
                        "completed sub-orders, with its reconciliation")
    p.add_argument("--merchants", type=int, default=100)
    p.add_argument("--orders", type=int, default=100_000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench_settlement)
