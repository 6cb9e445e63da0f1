"""Bestsellers, ABC classes, view-to-purchase and search terms over the products story
(tests/dbt/products_story.py). Every expected figure is worked out by hand from the story."""

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


def _abc(marts, month: date) -> dict[str, tuple]:
    rows = marts.execute(
        "select product_id, revenue_cents, cumulative_revenue_cents, abc_class "
        "from marts.fct_product_abc where period_month = ? and currency = 'USD'", [month],
    ).fetchall()
    return {product: tuple(rest) for product, *rest in rows}


def test_abc_the_product_crossing_80_percent_is_a_and_95_percent_starts_c(marts):
    # April, 10000 in all, highest revenue first, share of revenue BEFORE each product:
    #   p2 5000: before 0%    -> A (cumulative 5000)
    #   p4 2500: before 50%   -> A (7500)
    #   p5 1200: before 75%   -> A, although it ends at 87%: it crosses 80% (8700)
    #   p8  800: before 87%   -> B, ending exactly at 95% (9500)
    #   p7  500: before 95%   -> C: a product starting exactly at 95% is C (10000)
    assert _abc(marts, APRIL) == {
        "p2": (5000, 5000, "A"), "p4": (2500, 7500, "A"), "p5": (1200, 8700, "A"),
        "p8": (800, 9500, "B"), "p7": (500, 10000, "C"),
    }


def test_abc_a_product_ending_exactly_at_80_percent_is_a_the_next_is_b(marts):
    # May, 10000 in all: p1 5000 (s1a 4000 + s1b 1000) -> A; p2 3000 before 50%, ends
    # exactly at 80% -> A; p7 1000 starts exactly at 80% -> B (ends 90%); p8 600 before 90%
    # -> B (ends 96%); p9 400 before 96% -> C. The unpaid umbrella order (oa4) is no sale.
    assert _abc(marts, MAY) == {
        "p1": (5000, 5000, "A"), "p2": (3000, 8000, "A"), "p7": (1000, 9000, "B"),
        "p8": (600, 9600, "B"), "p9": (400, 10000, "C"),
    }
    shares = marts.execute(
        "select product_id, revenue_share, cumulative_share_before from marts.fct_product_abc "
        "where period_month = ? order by revenue_rank", [MAY]).fetchall()
    assert [s[0] for s in shares] == ["p1", "p2", "p7", "p8", "p9"]
    assert shares[2][1:] == pytest.approx((0.10, 0.80))  # p7: 1000 / 10000, 8000 / 10000


def test_bestsellers_rank_skus_and_products_by_revenue_and_units(marts):
    rows = marts.execute(
        "select sku_id, units_sold, revenue_cents, revenue_rank, units_rank, "
        "product_revenue_cents, product_revenue_rank from marts.fct_product_bestsellers "
        "where period_month = ? order by revenue_rank, sku_id", [MAY]).fetchall()
    # May's SKUs by revenue: s1a 4 x 1000; s2 1 x 3000; s1b 1 x 1000 and s7 2 x 500 tie for
    # third (so the next is fifth); s8 700 - 100 discount = 600; s9 400. By units: s1a 4
    # first, s7 2 second, the four single units share third. p1 (s1a + s1b) = 5000 is the
    # top product on both its SKUs' rows.
    assert [tuple(r) for r in rows] == [
        ("s1a", 4, 4000, 1, 1, 5000, 1),
        ("s2", 1, 3000, 2, 3, 3000, 2),
        ("s1b", 1, 1000, 3, 3, 5000, 1),
        ("s7", 2, 1000, 3, 2, 1000, 3),
        ("s8", 1, 600, 5, 3, 600, 4),
        ("s9", 1, 400, 6, 3, 400, 5),
    ]
    (april_top,) = marts.execute(
        "select sku_id, units_sold, orders, revenue_cents from marts.fct_product_bestsellers "
        "where period_month = ? and revenue_rank = 1", [APRIL]).fetchall()
    assert april_top == ("s2", 2, 1, 5000)  # oa2: two teapots at 2500, one order


def test_view_to_purchase_counts_views_against_paid_orders(marts):
    rows = marts.execute(
        """
        select product_id, sum(product_views), sum(purchase_orders), sum(units_purchased)
        from marts.fct_product_views_daily
        where activity_date between '2025-05-01' and '2025-05-31'
        group by product_id order by product_id
        """).fetchall()
    # p1: views 3 (a1) + 2 (a2) + 1 (a3) + 2 (a4) = 8, the view delivered twice counted once;
    # paid orders with p1: ob1 (4 x s1a) and ob2 (1 x s1b) -> 2 orders, 5 units.
    # p2: 3 views, ob2; p3: 4 views, never bought; p7, p8, p9 bought without a view.
    assert [tuple(r) for r in rows] == [
        ("p1", 8, 2, 5), ("p2", 3, 1, 1), ("p3", 4, 0, 0),
        ("p7", 0, 1, 2), ("p8", 0, 1, 1), ("p9", 0, 1, 1),
    ]
    day = marts.execute(
        "select product_views, viewers, purchase_orders, view_to_purchase_rate, units_per_view "
        "from marts.fct_product_views_daily where activity_date = '2025-05-11' "
        "and product_id = 'p1'").fetchone()
    # 11 May: a2 viewed p1 twice, ob1 paid 4 units of it: 1 / 2 = 0.5, 4 / 2 = 2.0 per view
    assert day == (2, 1, 1, 0.5, 2.0)
    (rate,) = marts.execute(
        "select view_to_purchase_rate from marts.fct_product_views_daily "
        "where activity_date = '2025-05-13' and product_id = 'p9'").fetchone()
    assert rate is None  # bought, never viewed: no rate rather than an infinite one


def test_search_terms_rank_hot_and_zero_result_terms_per_month(marts):
    rows = marts.execute(
        """
        select search_query, searches, zero_result_searches, zero_result_rate, search_rank,
               zero_result_rank, searches_previous_month
        from marts.fct_search_terms_monthly where period_month = ? order by search_rank,
            search_query
        """, [MAY]).fetchall()
    # "mug", " MUG " and "Mug" are one term: 3 searches, all found something (1 in April).
    # kettle: 2 of 2 found nothing; teapot: 1 of 2; umbrela (a typo): 1 of 1. kettle and
    # teapot tie for second by searches; by zero results kettle is first, teapot and umbrela
    # share second.
    assert [tuple(r) for r in rows] == [
        ("mug", 3, 0, 0.0, 1, None, 1),
        ("kettle", 2, 2, 1.0, 2, 1, 0),
        ("teapot", 2, 1, 0.5, 2, 2, 0),
        ("umbrela", 1, 1, 1.0, 4, 2, 0),
    ]
