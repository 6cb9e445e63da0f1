"""The Promotions & coupons page on the marts built from the pricing story
(pricing_story.py), copied into the dashboards' published warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.components import DATE_RANGE_KEY
from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)
from tests.dbt.mart_builds import built_once
from tests.pricing import pricing_story as story

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "promotions.py"
MARTS = ("fct_coupon_templates_daily", "fct_promotion_cost_daily", "fct_promotion_orders",
         "fct_price_floor_blocks_daily", "fct_campaign_roi")
STORY_DAYS = (date(2025, 6, 9), date(2025, 6, 11))


@pytest.fixture
def promotions_warehouse(warehouse, settings_env):  # noqa: F811
    built = built_once("pricing", story.build_oltp, story.landings(), story.MARTS)
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"attach '{built}' as story (read_only)")
        for mart in MARTS:
            conn.execute(f"create table marts.{mart} as select * from story.marts.{mart}")
    return warehouse


def _run(days=STORY_DAYS) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.session_state[DATE_RANGE_KEY] = days
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_tiles_tables_and_chart_from_the_story(promotions_warehouse):
    app = _run()
    # 4 coupons issued, 2 redeemed - 1 returned; discounts 1,400 + 500 + 800 + 950;
    # 3 floor blocks (s2's landed twice)
    assert {m.label: m.value for m in app.metric} == {
        "Coupons issued": "4", "Net redeemed": "1", "Discount cost": "$36.50",
        "Floor blocks": "3"}
    templates, orders, roi, blocks = (t.value for t in app.dataframe)
    # T1 over 06-09..06-11: 1 net of 4 issued, the same to date
    assert templates.iloc[0]["redemption_rate"] == "25.00%"
    assert templates.iloc[0]["discount_cost"] == "$5.00"
    # P2 cost the most (17.50), then P1 (14.00), then T1 (5.00)
    assert list(orders["promotion_name"]) == ["Free shipping", "Summer sale", "Welcome 5 off"]
    assert list(orders["aov_without"]) == ["$30.00", "$20.00", "$30.00"]
    assert list(orders["discount_share"]) == ["12.50%", "10.77%", "5.56%"]
    # markov (the default model): u1's only session is summer's, so o1 (06-10, 90.00) and
    # o6 (06-11, 50.00) are all summer's: 140.00 for 20.00 spent -> ROI 600%; its
    # discounts are o1's 15.00 and o2's 4.00 (o3 was cancelled): net (140 - 39) / 39
    summer = roi.set_index("utm_campaign").loc["summer"]
    assert (summer["spend"], summer["revenue"], summer["discounts"]) == (
        "$20.00", "$140.00", "$19.00")
    assert summer["roi"] == "600.00%"
    assert summer["roi_net_of_discounts"] == "258.97%"  # 101 / 39 = 2.58974
    assert list(blocks["sku_id"]) == ["s2", "s1"]  # latest first
    assert list(blocks["blocked"]) == ["$1.00", "$1.50"]
    assert len(app.get("vega_lite_chart")) == 1
    assert len(app.get("download_button")) == 1


def test_a_range_without_promotions_says_so(promotions_warehouse):
    app = _run((date(2025, 3, 1), date(2025, 3, 14)))
    assert {m.label: m.value for m in app.metric}["Discount cost"] == "$0.00"
    assert "held no price up" in " ".join(i.value for i in app.info)


def test_a_warehouse_without_the_pricing_marts_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the promotion marts existed" in " ".join(i.value for i in app.info)


def test_per_template_and_roi_by_hand():
    from dashboards import promotions_data as pdata

    days = pd.DataFrame({
        "template_id": ["t", "t", "u"], "template_name": ["T", "T", "U"],
        "activity_date": [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 1)],
        "issued": [4, 6, 0], "issued_claim": [4, 2, 0], "issued_grant": [0, 4, 0],
        "issued_code": [0, 0, 0], "redeemed": [1, 3, 2], "returned": [0, 1, 0],
        "net_redeemed": [1, 2, 2], "redemption_rate_to_date": [0.25, 0.3, None],
        "discount_cost_cents": [100, 300, 0]})
    got = pdata.per_template(days).set_index("template_id")
    assert got.loc["t", "redemption_rate"] == pytest.approx(3 / 10)
    assert got.loc["t", "redemption_rate_to_date"] == pytest.approx(0.3)  # the last day's
    assert pd.isna(got.loc["u", "redemption_rate"])  # nothing issued in the range
    roi = pdata.roi_with_and_without_discounts(pd.DataFrame({
        "utm_campaign": ["a", "b"], "cost_cents": [1_000, 0],
        "attributed_revenue_cents": [3_000, 500], "discount_cost_cents": [500, 250]}))
    assert list(roi["roi"].iloc[:1]) == [pytest.approx(2.0)] and pd.isna(roi["roi"].iloc[1])
    assert list(roi["roi_net"]) == pytest.approx([1_500 / 1_500, 250 / 250])
