"""fct_promoter_performance on the promoter story (promoter_story.py), figures by hand."""

from __future__ import annotations

from datetime import date

import duckdb

from tests.dbt.mart_builds import built_once
from tests.promoters import promoter_story as story

D1, D2, D3, D5 = date(2025, 6, 1), date(2025, 6, 2), date(2025, 6, 3), date(2025, 6, 5)
# (promoter, day, bound, orders, gmv, accrued, level2, held, reversed, matured, net)
EXPECTED = [
    # P0 earns level 2 on o1 (its recruit P1's buyer)
    ("P0", D2, 0, 0, 0, 100, 100, 0, 0, 0, 100),
    ("P1", D1, 2, 0, 0, 0, 0, 0, 0, 0, 0),
    # o1 10,000 + o2 4,000; c1 500 (landed twice, counted once) + c3 200
    ("P1", D2, 0, 2, 14_000, 700, 0, 0, 0, 0, 700),
    # o4 paid in EUR: an order, but no USD value or commission; c3 half reversed
    ("P1", D3, 0, 1, 0, 0, 0, 0, 100, 0, -100),
    ("P1", D5, 0, 0, 0, 0, 0, 0, 0, 500, 0),
    ("P2", D1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    ("P2", D2, 0, 1, 3_000, 150, 0, 150, 0, 0, 150),
]


def test_promoter_days_by_hand():
    path = built_once("promoters", story.build_oltp, story.landings(),
                      ("+fct_promoter_performance",))
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(
            "select promoter_id, activity_date, bound_buyers, orders, gmv_cents, "
            "commission_accrued_cents, level2_accrued_cents, commission_held_cents, "
            "commission_reversed_cents, commission_matured_cents, net_commission_cost_cents "
            "from marts.fct_promoter_performance order by 1, 2").fetchall()
        assert conn.execute("select distinct currency from "
                            "marts.fct_promoter_performance").fetchall() == [("USD",)]
    assert rows == EXPECTED
