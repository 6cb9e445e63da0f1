"""`flywheel bench flash-sale` at a tiny size, so it never rots: a sale that sells out
under load, every winner's order made, and the reconciliation clean."""

import json

import pytest

from transactional_api.cli.main import main


@pytest.mark.slow
def test_bench_flash_sale_sells_exactly_the_stock(capfd):
    assert main(["bench", "flash-sale", "--shoppers", "40", "--stock", "12", "--seconds", "2",
                 "--connections", "4", "--workers", "1", "--lead", "1", "--json"]) == 0
    figures = json.loads(capfd.readouterr().out.strip().splitlines()[-1])
    assert figures["statuses"].get("201", 0) + figures["statuses"].get("200", 0) == 12
    assert figures["units_sold"] == 12 and figures["orders"] == 12
    assert (figures["oversold"], figures["duplicate_orders"]) == (0, 0)
    assert figures["reconciled"] is True
    assert figures["reserve_rps"] > 0 and figures["healthz_rps"] > 0
    assert 0 < figures["reserve_p50_ms"] <= figures["reserve_p99_ms"]
    assert figures["orders_ready_seconds"] is not None
