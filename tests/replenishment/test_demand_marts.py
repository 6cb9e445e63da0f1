"""fct_sku_daily_demand and fct_stock_cover on the simulated quarter (quarter_story.py):
every day's units as the story drew them, zero days included; unpaid and virtual
sub-orders and a re-landed day do not count; cover from the OLTP stock and the last 28
days of the story."""

from __future__ import annotations

import duckdb
import pytest

from tests.dbt.mart_builds import built_once
from tests.replenishment import quarter_story as story

SELECT = ("+fct_sku_daily_demand", "+fct_stock_cover")


def built():
    return built_once("replenishment-quarter", story.build_oltp, story.landings(), SELECT)


def test_daily_demand_is_the_story_day_by_day_zero_filled():
    with duckdb.connect(str(built()), read_only=True) as conn:
        rows = conn.execute("select sku_id, warehouse_id, demand_date, units_paid "
                            "from marts.fct_sku_daily_demand").fetchall()
    got = {(s, w, d): u for s, w, d, u in rows}
    expected = {}
    for (sku, loc), daily in story.UNITS.items():
        first = next(i for i, u in enumerate(daily) if u > 0)
        for i in range(first, story.DAYS):
            expected[(sku, loc, story.day(i))] = int(daily[i])
    assert got == expected
    assert any(u == 0 for u in got.values())  # quiet days are rows, not gaps


@pytest.mark.parametrize("key", list(story.STOCK))
def test_stock_cover_is_on_hand_over_the_last_28_days_mean(key):
    with duckdb.connect(str(built()), read_only=True) as conn:
        row = conn.execute(
            "select on_hand, sellable, units_paid_in_window, days_observed, "
            "mean_daily_demand, days_of_cover from marts.fct_stock_cover "
            "where sku_id = ? and warehouse_id = ?", list(key)).fetchone()
    on_hand, reserved = story.STOCK[key]
    sold = int(story.UNITS[key][-28:].sum())
    assert row[:4] == (on_hand, on_hand - reserved, sold, 28)
    assert row[4] == pytest.approx(sold / 28)
    assert row[5] == pytest.approx(on_hand / (sold / 28))
