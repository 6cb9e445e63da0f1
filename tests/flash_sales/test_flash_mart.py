"""fct_flash_sales from a sale run through the live API, checked against the OLTP."""

from __future__ import annotations

import duckdb

from tests.flash_sales import flash_story
from tests.warehouse import engines


def test_the_mart_counts_what_the_shop_sold(flash_api):
    api = flash_api
    facts = flash_story.run(api)
    engines.ingest(api.settings)
    path = engines.build(api.settings, "--select", "+fct_flash_sales")
    with duckdb.connect(str(path), read_only=True) as conn:
        row = conn.execute(
            "select quantity, requests, sold_out_answers, units_ordered, units_released, "
            "units_back_to_pool, units_sold, sell_through, flash_revenue_cents, "
            "flash_discount_cents, reconciled, sold_out_at is not null "
            "from marts.fct_flash_sales where sale_id = ?", [facts["sale"]["id"]]).fetchone()
    counters = facts["sale"]["counters"]
    assert row == (3, counters["requests"], counters["sold_out"], 4, 1, 1,
                   facts["paid_units"], facts["paid_units"] / 3, facts["revenue_cents"],
                   facts["discount_cents"], True, True)
    assert facts["paid_units"] == 3 and facts["discount_cents"] == 900
