from datetime import date

import pandas as pd

from dashboards.kpis import format_cents, funnel_summary, previous_period, summarise


def test_format_cents_is_exact_for_large_and_negative_amounts():
    assert format_cents(123_456_789_012) == "$1,234,567,890.12"
    assert format_cents(-5) == "-$0.05"
    assert format_cents(250, signed=True) == "+$2.50"
    assert format_cents(100, "BRL") == "BRL 1.00"


def test_summary_recomputes_ratios_from_totals_rounding_half_up():
    daily = pd.DataFrame(
        {
            "gmv_cents": [1, 2],
            "paid_orders": [1, 1],
            "buyers": [1, 1],
            "sessions": [10, 0],
            "converted_sessions": [1, 0],
            "refunds_due": [0, 2],
            "refunds_due_cents": [0, 1_234_567_890_123],
        }
    )
    summary = summarise(daily)
    assert summary.aov_cents == 2  # 3 / 2 = 1.5 rounds up, as SQL round() does
    assert summary.conversion_rate == 0.1
    assert (summary.refunds_due, summary.refunds_due_cents) == (2, 1_234_567_890_123)
    assert summarise(daily.iloc[0:0]) is None


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    assert previous_period(date(2025, 3, 8), date(2025, 3, 14)) == (
        date(2025, 3, 1),
        date(2025, 3, 7),
    )
    assert previous_period(date(2025, 3, 1), date(2025, 3, 1)) == (
        date(2025, 2, 28),
        date(2025, 2, 28),
    )


def test_funnel_summary_handles_empty_steps():
    funnel = pd.DataFrame(
        {
            "session_date": [date(2025, 1, 1)] * 3 + [date(2025, 1, 2)] * 3,
            "step_order": [1, 2, 3] * 2,
            "step": ["product_view", "add_to_cart", "checkout_started"] * 2,
            "sessions": [10, 4, 0, 10, 1, 0],
        }
    )
    steps = funnel_summary(funnel)
    assert steps["sessions"].tolist() == [20, 5, 0]
    assert steps["step_conversion_pct"].tolist() == [100.0, 25.0, 0.0]
    assert steps["overall_conversion_pct"].tolist() == [100.0, 25.0, 0.0]
    zero = funnel.assign(sessions=0)
    assert funnel_summary(zero)["step_conversion_pct"].isna().all()
