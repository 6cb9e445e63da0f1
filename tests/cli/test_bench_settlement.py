"""`flywheel bench settlement` at a tiny size, so it never rots: every sub-order accrued,
one statement and payout per merchant, and the reconciliation clean."""

import json

from transactional_api.cli.main import main


def test_bench_settlement_settles_and_reconciles(capfd):
    assert main(["bench", "settlement", "--merchants", "3", "--orders", "300", "--json"]) == 0
    figures = json.loads(capfd.readouterr().out.strip().splitlines()[-1])
    assert figures["accrued"] == 300
    assert figures["statements"] == 3 and figures["payouts_sent"] == 3
    assert figures["reconciled"] is True and figures["differences"] == []
    assert figures["sub_orders_per_second"] > 0
