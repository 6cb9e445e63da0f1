"""Slow movers, sell-through, inventory turnover and days of inventory over the products
story (tests/dbt/products_story.py): its stock ledger and paid orders, worked out by hand.
The warehouse's latest day is 2025-05-20; May has 20 days of positions (1 to 20 May)."""

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from tests.dbt import products_story

APRIL, MAY = date(2025, 4, 1), date(2025, 5, 1)


@pytest.fixture(scope="module")
def marts() -> Iterator[duckdb.DuckDBPyConnection]:
    conn = duckdb.connect(str(products_story.warehouse_path()), read_only=True)
    yield conn
    conn.close()


def _inventory(marts, month: date, sku: str) -> dict:
    frame = marts.execute(
        "select units_sold, period_days, avg_on_hand, on_hand_end, inventory_turnover, "
        "days_of_inventory, sell_through_rate from marts.fct_product_inventory_monthly "
        "where period_month = ? and sku_id = ?", [month, sku]).df()
    assert len(frame) == 1
    return {k: (None if v != v else v) for k, v in frame.iloc[0].to_dict().items()}


def test_slow_movers_hold_stock_and_sold_nothing_for_30_days(marts):
    rows = marts.execute(
        "select sku_id, as_of_date, on_hand, days_in_stock, last_sold_date, "
        "days_since_last_sale, slow_mover_days from marts.fct_slow_movers order by sku_id",
    ).fetchall()
    # As of 20 May, N = 30 (dbt_project.yml), so no sale from 21 April on:
    #   s5: 4 gloves left, last sold 20 April = 30 days ago            -> slow
    #   s6: 10 + 2 umbrellas (two locations), never sold (oa4 unpaid) -> slow
    #   s4: 4 scarves, last sold 21 April = 29 days ago                -> not slow
    #   s3: 5 kettles, received 10 May: 10 days in stock, too new      -> not slow
    #   s2: sold out (0 on hand); s1a and s8 sold in May              -> not slow
    assert [tuple(r) for r in rows] == [
        ("s5", date(2025, 5, 20), 4, 49, date(2025, 4, 20), 30, 30),
        ("s6", date(2025, 5, 20), 12, 49, None, None, 30),
    ]


def test_turnover_days_of_inventory_and_sell_through_in_units(marts):
    # s1a in May: 10 on hand 1-10 May, 4 sold on 11 May, 6 on hand 11-20 May.
    # average on hand = (10 x 10 + 6 x 10) / 20 = 8; turnover = 4 / 8 = 0.5;
    # days of inventory = 20 / 0.5 = 40; sell-through = 4 / (4 + 6) = 0.4
    assert _inventory(marts, MAY, "s1a") == pytest.approx({
        "units_sold": 4, "period_days": 20, "avg_on_hand": 8.0, "on_hand_end": 6,
        "inventory_turnover": 0.5, "days_of_inventory": 40.0, "sell_through_rate": 0.4})
    # s2 in May: 1 on hand 1-11 May (sold on 12 May), 0 on 12-20 May.
    # average = 11 / 20 = 0.55; turnover = 1 / 0.55 = 20 / 11; days = 20 / (20 / 11) = 11;
    # sold out: sell-through = 1 / (1 + 0) = 1
    assert _inventory(marts, MAY, "s2") == pytest.approx({
        "units_sold": 1, "period_days": 20, "avg_on_hand": 0.55, "on_hand_end": 0,
        "inventory_turnover": 20 / 11, "days_of_inventory": 11.0, "sell_through_rate": 1.0})
    # s2 in April: 3 on hand 1-20 April, 2 sold on the 21st, 1 on hand 21-30 April.
    # average = (3 x 20 + 1 x 10) / 30 = 70 / 30; turnover = 2 x 30 / 70 = 6 / 7;
    # days = 70 / 2 = 35; sell-through = 2 / (2 + 1)
    assert _inventory(marts, APRIL, "s2") == pytest.approx({
        "units_sold": 2, "period_days": 30, "avg_on_hand": 70 / 30, "on_hand_end": 1,
        "inventory_turnover": 6 / 7, "days_of_inventory": 35.0, "sell_through_rate": 2 / 3})


def test_a_sku_that_never_sold_turns_zero_times_and_has_no_days_of_inventory(marts):
    # s6 in May: 12 on hand every one of the 20 days, nothing sold
    assert _inventory(marts, MAY, "s6") == pytest.approx({
        "units_sold": 0, "period_days": 20, "avg_on_hand": 12.0, "on_hand_end": 12,
        "inventory_turnover": 0.0, "days_of_inventory": None, "sell_through_rate": 0.0})
    # s3 was received on 10 May: its period is 10-20 May, 11 days of 5 units
    assert _inventory(marts, MAY, "s3")["period_days"] == 11


def test_sales_without_tracked_stock_have_no_stock_measures(marts):
    # s1b sold 1 in May but has no stock ledger: nothing to divide by
    assert _inventory(marts, MAY, "s1b") == {
        "units_sold": 1, "period_days": None, "avg_on_hand": None, "on_hand_end": None,
        "inventory_turnover": None, "days_of_inventory": None, "sell_through_rate": None}
