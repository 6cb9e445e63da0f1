"""fct_sales_by_market built from the real API's events and OLTP: each market's paid
orders and GMV, in the order currency and in USD at each order's own rate."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from tests.dbt.mart_builds import dbt, load, selected
from tests.markets import market_shop


def test_sales_by_market_against_the_oltp(api, admin):
    orders = market_shop.run(api, admin)
    work = Path(tempfile.mkdtemp(prefix="markets-"))
    try:
        load(work, lambda url: market_shop.copy_oltp(api, url), [market_shop.events(api)])
        result = dbt(work, "build", *selected("+fct_sales_by_market"))
        assert result.returncode == 0, result.stdout[-6000:]
        with duckdb.connect(str(work / "flywheel.duckdb"), read_only=True) as conn:
            rows = conn.execute(
                "select market_code, currency, base_currency, orders, gmv_minor, "
                "gmv_base_minor from marts.fct_sales_by_market "
                "order by market_code").fetchall()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # the OLTP's paid orders, grouped by hand
    by_market: dict[str, list[dict]] = {}
    for o in orders:
        by_market.setdefault(o["market"] or "base", []).append(o)
    assert {m: sum(o["total_cents"] for o in os) for m, os in by_market.items()} == {
        "base": 1999 * 3, "jp": 3026 * 4, "kw": 6139 * 2}
    # base: USD at rate 1. jp: 12104 yen at 0.006606329 USD/yen = 79.96300... USD -> 7996
    # cents (each order rounded: 9078 -> 59.97 USD = 5997; 3026 -> 19.99 = 1999).
    # kw: 12.278 KWD at 1/0.30712 = 3.256056265 USD/KWD -> 39.978 USD = 3998 cents.
    assert rows == [
        ("base", "USD", "USD", 2, 5997, 5997),
        ("jp", "JPY", "USD", 2, 12104, 5997 + 1999),
        ("kw", "KWD", "USD", 1, 12278, 3998),
    ]
