"""GMV versus net revenue over the money story (tests/dbt/money_story.py): the parts kept
apart, refunds on the day they are issued, purchases counted once, AOV, refund rate and
payment success by channel. Every expected figure is worked out by hand from the story."""

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from tests.dbt import money_story

DAY1, DAY2, DAY3 = date(2025, 6, 2), date(2025, 6, 3), date(2025, 6, 4)
COLUMNS = ("paid_orders, gross_cents, discount_cents, shipping_cents, tax_cents, gmv_cents, "
           "refunds, refunded_cents, cancelled_after_payment_cents, net_revenue_cents, "
           "aov_cents")


@pytest.fixture(scope="module")
def marts() -> Iterator[duckdb.DuckDBPyConnection]:
    conn = duckdb.connect(str(money_story.warehouse_path()), read_only=True)
    yield conn
    conn.close()


def _days(marts) -> dict[date, tuple]:
    rows = marts.execute(f"select revenue_date, {COLUMNS} from marts.fct_daily_revenue "
                         "where currency = 'USD'").fetchall()
    return {day: tuple(rest) for day, *rest in rows}


def test_gross_discounts_shipping_and_tax_are_kept_apart_and_add_up_to_gmv(marts):
    # Day 1, paid orders m1, m2, m3 (m4 never paid):
    #   gross at list:  m1 2 x 1000 + m2 3000 + m3 1000             = 6000
    #   discounts:      m1 markdown 2 x (1000 - 900) + 100 line      =  300
    #   shipping:       m1 500                                       =  500
    #   tax:            m1 170 + m2 300                              =  470
    #   GMV = 6000 - 300 + 500 + 470 = 6670 = 2370 + 3300 + 1000 (the orders' totals)
    #   AOV = 6670 / 3 = 2223.33 -> 2223
    assert _days(marts)[DAY1] == (3, 6000, 300, 500, 470, 6670, 0, 0, 0, 6670, 2223)
    # Day 2: m5, one mug at its list price, nothing else
    assert _days(marts)[DAY2] == (1, 1000, 0, 0, 0, 1000, 0, 0, 0, 1000, 1000)


def test_money_given_back_counts_on_the_day_it_happens_not_the_orders_day(marts):
    # Day 3 has no order: r1 gives back 500 of m1 (paid on day 1), and m2's paid sub-order is
    # cancelled at its total 3300 (rm2, the interception's refund, is that same money, not a
    # second deduction). Net = 0 - 500 - 3300 = -3800; no paid order, so no AOV.
    assert _days(marts)[DAY3] == (0, 0, 0, 0, 0, 0, 1, 500, 3300, -3800, None)
    # rm3 repaid the money m3's second payment took on day 2: it never counted in GMV, so
    # day 2 gives nothing back.
    assert _days(marts)[DAY2][6:9] == (0, 0, 0)


def test_an_order_paid_twice_with_its_events_delivered_twice_counts_once(marts):
    # m3 was paid by pm3a (order_paid landed twice and re-emitted under a new event id) and
    # its money taken again by pm3b: still one order of 1000 in day 1's 3 orders and 6670.
    paid_orders, gmv = marts.execute(
        "select sum(paid_orders), sum(gmv_cents) from marts.fct_daily_revenue "
        "where revenue_date = ?", [DAY1]).fetchone()
    assert (paid_orders, gmv) == (3, 2370 + 3300 + 1000)
    # the OLTP's paid orders, to the cent: 2370 + 3300 + 1000 + 1000
    assert marts.execute("select sum(gmv_cents) from marts.fct_daily_revenue").fetchone() \
        == (7670,)


def test_refund_rate_and_aov_per_day_and_over_the_range(marts):
    rates = dict(marts.execute(
        "select revenue_date, refund_rate from marts.fct_daily_revenue").fetchall())
    # day 1 and 2 give nothing back; day 3 has no GMV to divide by
    assert rates == {DAY1: 0.0, DAY2: 0.0, DAY3: None}
    gmv, given_back, orders = marts.execute(
        "select sum(gmv_cents), sum(refunded_cents + cancelled_after_payment_cents), "
        "sum(paid_orders) from marts.fct_daily_revenue").fetchone()
    # over the three days: (500 + 3300) / 7670 given back, AOV 7670 / 4 orders = 1917.5
    assert given_back / gmv == pytest.approx(3800 / 7670)
    assert gmv / orders == 1917.5


def test_by_channel_money_goes_to_the_channel_that_paid_and_success_rates(marts):
    rows = marts.execute(
        """
        select revenue_date, channel, paid_orders, gmv_cents, refunded_cents,
               cancelled_after_payment_cents, net_revenue_cents, aov_cents,
               payments_started, payments_succeeded, payments_failed, payment_success_rate
        from marts.fct_daily_revenue_by_channel order by revenue_date, channel
        """).fetchall()
    assert [tuple(r) for r in rows] == [
        # day 1 card: m1 2370 + m3 1000 (pm3a paid it first), AOV 3370 / 2 = 1685; started
        # pm1, pm2a, pm3a, pm4; paid pm1, pm3a; declined pm2a: 2 / (2 + 1)
        (DAY1, "card", 2, 3370, 0, 0, 3370, 1685, 4, 2, 1, 2 / 3),
        # day 1 wallet: m2 3300; started pm2b and pm3b; pm3b captured but owed back is
        # neither a success nor a failure: 1 / 1
        (DAY1, "wallet", 1, 3300, 0, 0, 3300, 3300, 2, 1, 0, 1.0),
        (DAY2, "card", 1, 1000, 0, 0, 1000, 1000, 1, 1, 0, 1.0),
        # day 3: r1 went back by card; m2, paid by wallet, was cancelled
        (DAY3, "card", 0, 0, 500, 0, -500, None, 0, 0, 0, None),
        (DAY3, "wallet", 0, 0, 0, 3300, -3300, None, 0, 0, 0, None),
    ]


def test_the_money_mart_agrees_with_the_daily_kpis(marts):
    kpis = marts.execute(
        "select kpi_date, gmv_cents, paid_orders, refunded_cents, cancelled_after_payment_cents,"
        " net_revenue_cents from marts.fct_daily_kpis where gmv_cents <> 0 "
        "or net_revenue_cents <> 0 order by kpi_date").fetchall()
    revenue = marts.execute(
        "select revenue_date, gmv_cents, paid_orders, refunded_cents, "
        "cancelled_after_payment_cents, net_revenue_cents from marts.fct_daily_revenue "
        "order by revenue_date").fetchall()
    assert kpis == revenue == [
        (DAY1, 6670, 3, 0, 0, 6670), (DAY2, 1000, 1, 0, 0, 1000),
        (DAY3, 0, 0, 500, 3300, -3800),
    ]
