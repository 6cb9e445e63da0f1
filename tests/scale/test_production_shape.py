"""The documented production shape: PostgreSQL, four API processes and one Redis, under the
checkout benchmark, with every invariant the bench checks (no oversold unit, no payment
counted twice, ledgers balanced, every outbox event in the lake exactly once)."""

from __future__ import annotations

import json
import shutil

import pytest

from transactional_api.cli.bench_postgres import _pg_bin
from transactional_api.cli.main import main

pytestmark = pytest.mark.slow


@pytest.mark.skipif(not (_pg_bin("initdb") and _pg_bin("pg_ctl")) or not shutil.which("runuser"),
                    reason="PostgreSQL server binaries are not installed")
@pytest.mark.parametrize("hot", [False, True], ids=["many-skus", "hot-sku"])
def test_checkout_bench_on_postgres_with_four_api_processes(capsys, hot):
    argv = ["bench", "checkout", "--db", "postgres", "--workers", "4", "--shoppers", "8",
            "--skus", "6", "--orders", "40", "--json"]
    argv += ["--hot-sku"] if hot else ["--lines", "2"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    pg = json.loads(out.strip().splitlines()[-1])["engines"]["postgres"]
    assert pg["completed"] == 40 and pg["errors"] == {}
    c = pg["checks"]
    assert c["paid_orders"] == c["client_counted_paid"] == 40
    assert c["oversold_units"] == 0 and c["stock_mismatch_skus"] == 0
    assert c["double_counted"] == 0 and c["ledger_consistent"]
    assert c["captured_cents"] == c["paid_totals_cents"] > 0
    # Four relays share one outbox: each event once in the lake, none left behind. At least
    # one order_created, one payment and one order_paid event per paid order.
    assert c["outbox_events"] >= 3 * 40
    assert c["unpublished_events"] == c["events_missing_from_lake"] == 0
    assert c["events_landed_twice"] == 0
    assert c["ok"] is True
    assert "4 API worker(s)" in out
