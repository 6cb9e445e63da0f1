"""The pricing marts on the pricing story (pricing_story.py), every figure worked out by hand."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.dbt.mart_builds import built_once
from tests.pricing import pricing_story as story

D9, D10, D11 = date(2025, 6, 9), date(2025, 6, 10), date(2025, 6, 11)


@pytest.fixture(scope="module")
def marts():
    path = built_once("pricing", story.build_oltp, story.landings(), story.MARTS)
    with duckdb.connect(str(path), read_only=True) as conn:
        yield conn


def test_dims_keep_the_latest_version(marts):
    rows = marts.execute("select promotion_id, promotion_name, status, funded_by, campaign, "
                         "version from marts.dim_promotions order by 1").fetchall()
    # P1: v1 "Summer 10%" draft, then v2 "Summer sale" active; P2 funded by m1
    assert rows == [("P1", "Summer sale", "active", "platform", "summer", 2),
                    ("P2", "Free shipping", "active", "m1", None, 1)]
    assert marts.execute("select template_id, template_name, funded_by from "
                         "marts.dim_coupon_templates").fetchall() == [
        ("T1", "Welcome 5 off", "platform")]


# T1, 06-09: c1 claim, c2 grant: issued 2, nothing redeemed: 0 of 2 to date
#     06-10: c3 code, c4 claim; c1 (o1) and c2 (o3) redeemed, 500 each; c2 came back on
#            06-11, so only c1's 500 is a cost; to date 2 of 4 = 0.5
#     06-11: c2 returned: net -1; to date 1 of 4 = 0.25
TEMPLATE_DAYS = [
    (D9, 2, 1, 1, 0, 0, 0, 0, 2, 0, 0.0, 0),
    (D10, 2, 1, 0, 1, 2, 0, 2, 4, 2, 0.5, 500),
    (D11, 0, 0, 0, 0, 0, 1, -1, 4, 1, 0.25, 0),
]


def test_coupon_template_days_by_hand(marts):
    rows = marts.execute(
        "select activity_date, issued, issued_claim, issued_grant, issued_code, redeemed, "
        "returned, net_redeemed, issued_to_date, net_redeemed_to_date, "
        "redemption_rate_to_date, discount_cost_cents from marts.fct_coupon_templates_daily "
        "where template_id = 'T1' order by activity_date").fetchall()
    assert rows == TEMPLATE_DAYS
    assert marts.execute("select distinct template_name, currency, campaign from "
                         "marts.fct_coupon_templates_daily").fetchall() == [
        ("Welcome 5 off", "USD", "summer")]


# Paid, uncancelled orders only (o3 cancelled, o5 unpaid drop out), dated by payment:
# P1 06-10: o1 1,000 + o2 400; T1 06-10: o1 500; P2 06-10: o1 shipping 800;
# P2 06-11: o6 shipping 700 + gift 250 = 950
COST_DAYS = [
    ("P1", "promotion", "Summer sale", D10, "platform", "summer", 2, 1_400, 0, 0, 1_400),
    ("P2", "promotion", "Free shipping", D10, "m1", "(none)", 1, 0, 800, 0, 800),
    ("P2", "promotion", "Free shipping", D11, "m1", "(none)", 1, 0, 700, 250, 950),
    ("T1", "coupon", "Welcome 5 off", D10, "platform", "summer", 1, 500, 0, 0, 500),
]


def test_promotion_cost_days_by_hand(marts):
    rows = marts.execute(
        "select promotion_id, discount_source, promotion_name, cost_date, funded_by, campaign, "
        "orders, discount_cents, shipping_discount_cents, gift_value_cents, "
        "discount_cost_cents from marts.fct_promotion_cost_daily "
        "where currency = 'USD' order by 1, 4").fetchall()
    assert rows == COST_DAYS


# Paid USD orders, placed: 06-10 o1 9,000, o2 4,000, o4 2,000; 06-11 o6 5,000 (o7 is EUR)
# P1 (06-10 only): with o1, o2 = 13,000, AOV 6,500; without o4 = 2,000;
#     1,400 / 13,000 = 1,076.9 bp -> 1,077
# T1 (06-10 only): with o1 = 9,000; without o2, o4 = 6,000, AOV 3,000; 500 / 9,000 -> 556 bp
# P2 (06-10 to 06-11, o5 unpaid): with o1, o6 = 14,000, AOV 7,000; without o2, o4;
#     800 + 700 + 250 = 1,750 / 14,000 = 1,250 bp
PROMOTION_ORDERS = [
    ("P1", "promotion", D10, D10, 2, 13_000, 6_500, 1, 2_000, 2_000, 1_400, 1_077),
    ("P2", "promotion", D10, D11, 2, 14_000, 7_000, 2, 6_000, 3_000, 1_750, 1_250),
    ("T1", "coupon", D10, D10, 1, 9_000, 9_000, 2, 6_000, 3_000, 500, 556),
]


def test_orders_with_and_without_each_promotion_by_hand(marts):
    rows = marts.execute(
        "select promotion_id, discount_source, first_applied_date, last_applied_date, "
        "orders_with, revenue_with_cents, aov_with_cents, orders_without, "
        "revenue_without_cents, aov_without_cents, discount_cents, "
        "discount_share_of_revenue_bp from marts.fct_promotion_orders order by 1").fetchall()
    assert rows == PROMOTION_ORDERS


# s1 06-10: P1 on o2 (100) and a price source on a quote (50): 2 blocks, 150, floor 800,
#   lowest attempt 700; s2 06-10: P1 on a quote, 100, landed twice (one block)
FLOOR_DAYS = [
    ("s1", D10, 2, 1, 1, 1, 1, 150, 800, 700),
    ("s2", D10, 1, 1, 0, 1, 0, 100, 300, 250),
]


def test_price_floor_blocks_by_hand(marts):
    rows = marts.execute(
        "select sku_id, blocked_date, blocks, quote_blocks, orders_involved, "
        "promotions_involved, price_source_blocks, blocked_cents, min_floor_cents, "
        "lowest_attempted_unit_cents from marts.fct_price_floor_blocks_daily "
        "order by 1").fetchall()
    assert rows == FLOOR_DAYS


def test_campaign_roi_counts_the_campaigns_discounts(marts):
    def row(source: str, model: str):
        return marts.execute(
            "select cost_cents, attributed_revenue_cents, discount_cost_cents, roi, "
            "roi_net_of_discounts from marts.fct_campaign_roi where report_date = ? and "
            "utm_campaign = 'summer' and utm_source = ? and attribution_model = ?",
            [D10, source, model]).fetchone()

    # o1's last (only) touch is summer's facebook session: 9,000 against 2,000 spent and
    # P1 1,000 + T1 500 of summer's discounts: ROI 3.5, net (9,000 - 3,500) / 3,500
    assert row("facebook", "last_touch") == pytest.approx(
        (2_000, 9_000, 1_500, 3.5, 5_500 / 3_500))
    assert row("facebook", "linear") == pytest.approx((2_000, 9_000, 1_500, 3.5, 5_500 / 3_500))
    # o2 had no session: P1's 400 goes to summer's '(not set)' row, no spend, no revenue
    assert row("(not set)", "last_touch") == (0, 0, 400, None, -1.0)
    # the cancelled o3's 300 + 500 is no cost: summer's discounts are 1,900 in every model
    totals = dict(marts.execute(
        "select attribution_model, sum(discount_cost_cents) from marts.fct_campaign_roi "
        "group by 1").fetchall())
    assert set(totals.values()) == {1_900} and len(totals) == 6
