"""The attribution marts over the hand-written shop of attribution_story.py. Every number
below is worked out by hand from that story, in the comments next to it."""

from __future__ import annotations

import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from tests.marketing import attribution_story as story

MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay", "markov")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("attribution")
    result, _ = story.build(work)
    assert result.returncode == 0, result.stdout[-6000:]
    return work


@pytest.fixture(scope="module")
def marts(built):
    conn = duckdb.connect(str(built / "flywheel.duckdb"), read_only=True)
    yield conn
    conn.close()


def _credits(conn, order_id: str) -> dict[str, list[int]]:
    rows = conn.execute(
        "select attribution_model, attributed_revenue_cents from marts.fct_attribution "
        "where order_id = ? order by attribution_model, touch_number", [order_id]).fetchall()
    out: dict[str, list[int]] = {}
    for model, cents in rows:
        out.setdefault(model, []).append(cents)
    return out


def test_three_touches_then_one_10000_cent_order(marts):
    # u1: B 14 days, S 7 days and N 0 days before paying 10,000 (D 31 days before is
    # outside the 30-day lookback, so three touches, not four)
    assert marts.execute(
        "select channel, days_before_conversion from marts.fct_attribution "
        "where order_id = 'o-a' and attribution_model = 'linear' order by touch_number"
    ).fetchall() == [("google / cpc", 14.0), ("facebook / paid_social", 7.0),
                     ("newsletter / email", 0.0)]
    assert _credits(marts, "o-a") == {
        "first_touch": [10_000, 0, 0],
        "last_touch": [0, 0, 10_000],
        # 3333.33 each: 9,999 in floors, the cent left goes to the earliest touch
        "linear": [3_334, 3_333, 3_333],
        "position_based": [4_000, 2_000, 4_000],
        # 2^(-14/7) : 2^(-7/7) : 2^0 = 1/4 : 1/2 : 1 = 1 : 2 : 4 of 7
        # -> 1428.57, 2857.14, 5714.29; floors 9,999, the cent to the largest remainder .57
        "time_decay": [1_429, 2_857, 5_714],
        # removal effects (test_markov_removal_effects_by_hand) B 5/12, S 1/2, N 1/4
        # = 5 : 6 : 3 of 14 -> 3571.43, 4285.71, 2142.86; floors 9,998, one cent each to
        # .86 and .71
        "markov": [3_571, 4_286, 2_143],
    }


def test_two_touches_one_touch_and_no_session(marts):
    # u3: D 7 days, B 0 days before paying 3,001: 1500.5 each, the odd cent to the first
    assert _credits(marts, "o-c") == {
        "first_touch": [3_001, 0],
        "last_touch": [0, 3_001],
        "linear": [1_501, 1_500],
        "position_based": [1_501, 1_500],  # two touches: 50/50
        # 1/2 : 1 -> 1000.33, 2000.67: the cent to the larger remainder, touch 2
        "time_decay": [1_000, 2_001],
        # D 5/36 : B 15/36 = 1 : 3 -> 750.25, 2250.75
        "markov": [750, 2_251],
    }
    # one touch takes everything in every model
    assert _credits(marts, "o-b") == {m: [5_000] for m in MODELS}
    # u7 paid without any session: the order's own '(not set)' touch
    assert _credits(marts, "o-d") == {m: [700] for m in MODELS}
    assert marts.execute("select distinct channel, session_key from marts.fct_attribution "
                         "where order_id = 'o-d'").fetchall() == [("(not set) / (not set)",
                                                                   None)]
    assert marts.execute("select count(*) from marts.fct_attribution "
                         "where order_id = 'o-unpaid'").fetchone() == (0,)


def test_credits_add_up_to_each_order_and_to_the_days_gmv(marts):
    per_order = marts.execute(
        "select order_id, attribution_model, sum(attributed_revenue_cents), "
        "max(order_revenue_cents) from marts.fct_attribution group by 1, 2").fetchall()
    assert len(per_order) == 4 * len(MODELS)
    assert all(total == revenue for _, _, total, revenue in per_order)
    # 03-20: o-a 10,000 + o-b 5,000; 03-21: o-c 3,001 + o-d 700 (paid days, as GMV)
    per_day = marts.execute(
        "select conversion_date, attribution_model, sum(attributed_revenue_cents) "
        "from marts.fct_attribution group by 1, 2").fetchall()
    assert {(d, total) for d, _, total in per_day} == {(date(2025, 3, 20), 15_000),
                                                       (date(2025, 3, 21), 3_701)}
    gmv = dict(marts.execute("select kpi_date, gmv_cents from marts.fct_daily_kpis "
                             "where gmv_cents > 0").fetchall())
    assert gmv == {date(2025, 3, 20): 15_000, date(2025, 3, 21): 3_701}


def test_markov_removal_effects_by_hand(marts):
    # Paths: B>S>N>conv, S>conv, D>B>conv, X>conv, S>null, B>null, D>null.
    # P(start->B) = P(start->S) = P(start->D) = 2/7, P(start->X) = 1/7;
    # B: ->S, ->conv, ->null 1/3 each; S: ->N, ->conv, ->null 1/3 each; N->conv;
    # D: ->B, ->null 1/2 each; X->conv.
    # x_N = x_X = 1, x_S = 1/3 + 1/3 = 2/3, x_B = 1/3 x_S + 1/3 = 5/9, x_D = 5/18;
    # P = 2/7 (5/9 + 2/3 + 5/18) + 1/7 = 4/7.
    # Without B: x_B = x_D = 0, P = 2/7 * 2/3 + 1/7 = 1/3 -> effect 1 - 7/12 = 5/12.
    # Without S: x_B = 1/3, x_D = 1/6, P = 2/7 (1/3 + 1/6) + 1/7 = 2/7 -> 1/2.
    # Without N: x_S = 1/3, x_B = 4/9, x_D = 2/9, P = 2/7 * 1 + 1/7 = 3/7 -> 1/4.
    # Without D: P = 2/7 (5/9 + 2/3) + 1/7 = 31/63 -> 1 - 31/36 = 5/36.
    # Without X: P = 4/7 - 1/7 = 3/7 -> 1/4.  Sum 56/36: shares 15, 18, 9, 5, 9 of 56.
    expected = {
        "google / cpc": (Fraction(1, 3), Fraction(5, 12), Fraction(15, 56)),
        "facebook / paid_social": (Fraction(2, 7), Fraction(1, 2), Fraction(18, 56)),
        "newsletter / email": (Fraction(3, 7), Fraction(1, 4), Fraction(9, 56)),
        "(direct) / (none)": (Fraction(31, 63), Fraction(5, 36), Fraction(5, 56)),
        "(not set) / (not set)": (Fraction(3, 7), Fraction(1, 4), Fraction(9, 56)),
    }
    rows = marts.execute(
        "select channel, conversion_probability, conversion_probability_without, "
        "removal_effect, removal_share from marts.fct_channel_removal_effects").fetchall()
    assert {r[0] for r in rows} == set(expected)
    for channel, base, without, effect, share in rows:
        assert base == pytest.approx(4 / 7)
        assert (without, effect, share) == pytest.approx(
            tuple(float(x) for x in expected[channel])), channel


def _roi(conn, day: str, campaign: str, model: str):
    return conn.execute(
        "select cost_cents, attributed_revenue_cents, roi, roas from marts.fct_campaign_roi "
        "where report_date = ? and utm_campaign = ? and attribution_model = ?",
        [day, campaign, model]).fetchone()


def test_campaign_roi_by_hand(marts):
    # brand on 03-20: revision 2 (2,000) stands, although revision 1 (5,000) landed later
    # first touch credits it o-a's 10,000: ROI (10,000 - 2,000) / 2,000 = 4, ROAS 5
    assert _roi(marts, "2025-03-20", "brand", "first_touch") == (2_000, 10_000, 4.0, 5.0)
    # linear: 3,334 -> ROI 1,334 / 2,000 = 0.667, ROAS 1.667
    assert _roi(marts, "2025-03-20", "brand", "linear") == pytest.approx(
        (2_000, 3_334, 0.667, 1.667))
    # last touch gives brand nothing that day: ROI -1, ROAS 0
    assert _roi(marts, "2025-03-20", "brand", "last_touch") == (2_000, 0, -1.0, 0.0)
    # spring, linear: o-a's 3,333 + o-b's 5,000 = 8,333 for 4,000 -> ROI 1.08325
    assert _roi(marts, "2025-03-20", "spring", "linear") == pytest.approx(
        (4_000, 8_333, 1.08325, 2.08325))
    # weekly's cost was deleted (revision 2): no cost, so no ROI, revenue still shown
    assert _roi(marts, "2025-03-20", "weekly", "last_touch") == (0, 10_000, None, None)
    # a day with spend and no paid order, in every model: ROI -1
    for model in MODELS:
        assert _roi(marts, "2025-03-19", "brand", model) == (1_500, 0, -1.0, 0.0)
    # the 03-20 costs once per model: 2,000 + 4,000 (weekly deleted)
    assert dict(marts.execute(
        "select attribution_model, sum(cost_cents) from marts.fct_campaign_roi "
        "where report_date = '2025-03-20' group by 1").fetchall()) == {m: 6_000 for m in MODELS}


def test_campaign_roi_carries_the_growth_plays_costs(marts):
    def costs(day, campaign):
        rows = marts.execute(
            "select attribution_model, flash_discount_cents, group_discount_cents, "
            "points_cost_cents, commission_cents, play_cost_cents from marts.fct_campaign_roi "
            "where report_date = ? and utm_campaign = ?", [day, campaign]).fetchall()
        return {r[0]: r[1:] for r in rows}

    # o-a's last touch is weekly (newsletter): 2 units at 1,000 under list
    assert costs("2025-03-20", "weekly") == {m: (2_000, 0, 0, 0, 2_000) for m in MODELS}
    # o-b's last touch is spring: 2 units at 500 under list, commissions 250 + 50 - 100
    assert costs("2025-03-20", "spring") == {m: (0, 1_000, 0, 200, 1_200) for m in MODELS}
    # o-c's last touch is brand on 03-21: 200 cents of points, 50 given back
    assert costs("2025-03-21", "brand") == {m: (0, 0, 150, 0, 150) for m in MODELS}
    # the unpaid order's flash line costs nothing; the totals are exactly the three above
    assert marts.execute(
        "select sum(play_cost_cents) from marts.fct_campaign_roi "
        "where attribution_model = 'last_touch'").fetchone() == (3_350,)
    # weekly spent nothing but gave 2,000 away on 10,000 of revenue: net ROI 4
    assert marts.execute(
        "select roi, roi_net_of_all_costs from marts.fct_campaign_roi where report_date = "
        "'2025-03-20' and utm_campaign = 'weekly' and attribution_model = 'last_touch'"
    ).fetchone() == (None, 4.0)


def test_channel_contribution_linear_on_one_day(marts):
    rows = marts.execute(
        "select channel, attributed_revenue_cents, attributed_orders, orders_touched, "
        "revenue_share from marts.fct_channel_contribution where conversion_date = "
        "'2025-03-20' and attribution_model = 'linear' order by channel").fetchall()
    # 03-20 linear: B 3,334; S 3,333 + 5,000; N 3,333 (of 15,000); orders 1/3, 4/3, 1/3
    expected = [("facebook / paid_social", 8_333, 4 / 3, 2, 8_333 / 15_000),
                ("google / cpc", 3_334, 1 / 3, 1, 3_334 / 15_000),
                ("newsletter / email", 3_333, 1 / 3, 1, 3_333 / 15_000)]
    assert [r[:2] + r[3:4] for r in rows] == [e[:2] + e[3:4] for e in expected]
    assert [(r[2], r[4]) for r in rows] == [pytest.approx((e[2], e[4])) for e in expected]


ATTRIBUTION = ("select order_id, touch_number, attribution_model, channel, "
               "attributed_revenue_cents from marts.fct_attribution order by 1, 2, 3")
ROI = ("select report_date, utm_campaign, channel, attribution_model, cost_cents, "
       "attributed_revenue_cents from marts.fct_campaign_roi order by 1, 2, 3, 4")


def _read(work: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(work / "flywheel.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_a_late_session_is_counted_in_its_orders_day_as_a_rebuild_would(built, tmp_path):
    work = tmp_path / "late"
    shutil.copytree(built, work, ignore=shutil.ignore_patterns("target", "logs"))
    story.land_late_session(work)
    # the daily run for 03-21 recomputes conversion days 03-18..03-21 (3 days lookback)
    run = story.run_dbt(work, dbt_vars="{run_from: '2025-03-21', run_to: '2025-03-21'}")
    assert run.returncode == 0, run.stdout[-6000:]
    incremental = _read(work, ATTRIBUTION), _read(work, ROI)
    with duckdb.connect(str(work / "flywheel.duckdb"), read_only=True) as conn:
        late = _credits(conn, "o-c")
    # o-c is now D (7 days) > N (2 days) > B (0 days) for 3,001
    assert {m: late[m] for m in MODELS if m != "markov"} == {
        "first_touch": [3_001, 0, 0],
        "last_touch": [0, 0, 3_001],
        "linear": [1_001, 1_000, 1_000],  # 1000.33 each, the cent to the first
        # 1200.4 / 600.2 / 1200.4: remainders 2, 1, 2 (of 5): the cent to the first
        "position_based": [1_201, 600, 1_200],
        # 2^(-1) : 2^(-2/7) : 1 = 500,000 : 820,335 : 1,000,000 units of 2,320,335
        # -> 646.67, 1060.98, 1293.35: floors 2,999, cents to .98 and .67
        "time_decay": [647, 1_061, 1_293],
    }
    assert sum(late["markov"]) == 3_001
    # a full build over the same data gives the same marts
    full = story.run_dbt(work)
    assert full.returncode == 0, full.stdout[-6000:]
    assert (_read(work, ATTRIBUTION), _read(work, ROI)) == incremental
