"""Session- and user-based funnels over the story in sessions_fixture.py: steps count in
order, within a session or within 14 days of a person's first product view of the day, and
by channel, device and new versus returning."""

from datetime import timedelta

import pytest

from tests.dbt.sessions_fixture import D1, D2, at, built_story
from tests.dbt.sessions_story import rows


@pytest.fixture(scope="module")
def sessions_warehouse(tmp_path_factory):
    return built_story(tmp_path_factory)

FLAGS = ("reached_product_view, reached_add_to_cart, reached_checkout_started, "
         "reached_order_created, reached_order_paid")


def flags(warehouse, visitor: str) -> list[tuple]:
    return rows(warehouse, f"select {FLAGS} from marts.fct_sessions "
                           f"where visitor_key = '{visitor}' order by session_start_at")


def test_session_steps_count_only_in_order(sessions_warehouse):
    # add to cart 20:00, view 20:01, checkout 20:02: the cart came before the view
    assert flags(sessions_warehouse, "v-order") == [(True, False, False, False, False)]
    # view and add to cart in the same second: the add to cart counts
    assert flags(sessions_warehouse, "v-tie") == [(True, True, False, False, False)]
    # anon-x views, then adds and checks out in a later session: neither session converts
    assert flags(sessions_warehouse, "anon-x") == [(True, False, False, False, False),
                                                   (False,) * 5]
    # anon-k's D1 session, signed in halfway, reaches every step (K0 before it, nothing)
    assert flags(sessions_warehouse, "anon-k") == [(False,) * 5, (True,) * 5]


def test_daily_session_funnel(sessions_warehouse):
    funnel = rows(sessions_warehouse, "select session_date, sessions from marts.fct_funnel_daily "
                                      "order by session_date, step_order")
    by_day: dict = {}
    for day, sessions in funnel:
        by_day.setdefault(day, []).append(sessions)
    # D1 sessions with a product view: v-2views, v-land, anon-k, uz, v-order, v-tie, uw,
    # anon-x = 8; then in order add to cart: anon-k, v-tie; checkout and on: anon-k
    assert by_day[D1.date()] == [8, 2, 1, 1, 1]
    assert by_day[D2.date()] == [1, 0, 0, 0, 0]  # anon-k2's view
    assert by_day[(D1 + timedelta(days=14)).date()] == [0] * 5  # uw: no view that day


def test_session_funnel_by_channel_device_and_visitor_type(sessions_warehouse):
    funnel = "marts.fct_funnel_sessions_daily"
    # v-tie alone: paid search on a phone, a new visitor; 1 session viewed and added to cart
    assert rows(sessions_warehouse,
                "select step_order, sessions, previous_step_sessions, drop_off_sessions, "
                f"step_conversion_rate, overall_conversion_rate from {funnel} "
                f"where session_date = '{D1.date()}' and channel = 'Paid Search' "
                "and device = 'mobile' and visitor_type = 'new' order by step_order") == [
        (1, 1, 1, 0, 1.0, 1.0), (2, 1, 1, 0, 1.0, 1.0), (3, 0, 1, 1, 0.0, 0.0),
        (4, 0, 0, 0, None, 0.0), (5, 0, 0, 0, None, 0.0)]
    # paid search on D1 is v-tie and v-utm (no product view): step 1 is 1 of 2 sessions
    assert rows(sessions_warehouse,
                "select step_order, sum(sessions), sum(previous_step_sessions), "
                f"sum(drop_off_sessions) from {funnel} where session_date = '{D1.date()}' "
                "and channel = 'Paid Search' group by 1 order by 1") == [
        (1, 1, 2, 1), (2, 1, 1, 0), (3, 0, 1, 1), (4, 0, 0, 0), (5, 0, 0, 0)]
    # returning: anon-k's second session goes all the way; new: the other 7 viewing sessions,
    # v-tie added to cart
    by_type = rows(sessions_warehouse,
                   f"select visitor_type, list(s order by step_order) from (select "
                   f"visitor_type, step_order, sum(sessions) as s from {funnel} "
                   f"where session_date = '{D1.date()}' group by 1, 2) group by 1 order by 1")
    assert by_type == [("new", [7, 1, 0, 0, 0]), ("returning", [1, 1, 1, 1, 1])]
    # summed over the slices it is fct_funnel_daily
    assert rows(sessions_warehouse,
                f"select count(*) from (select session_date, step_order, sum(sessions) as s "
                f"from {funnel} group by 1, 2) f full join marts.fct_funnel_daily d "
                "using (session_date, step_order) where f.s is distinct from d.sessions") == [(0,)]


def test_user_funnel_steps_in_order_within_14_days(sessions_warehouse):
    entries = dict(rows(sessions_warehouse,
                        "select person_key, steps_reached from marts.fct_funnel_user_entries "
                        f"where entry_date = '{D1.date()}'"))
    assert entries == {
        "v-2views": 1, "v-land": 1, "uz": 1,
        "v-order": 1,  # its add to cart came before the view
        "v-tie": 2,
        "uk": 5,  # signed in halfway: the account-only steps count for the person
        "anon-x": 3,  # across two sessions
        "uw": 3,  # checkout exactly 14 days later counts, the order a second after does not
    }
    uw = rows(sessions_warehouse,
              "select add_to_cart_at, checkout_started_at, order_created_at, window_end_at "
              "from marts.fct_funnel_user_entries where person_key = 'uw'")
    fourteen_days = (at(D1, 8) + timedelta(days=14)).replace(tzinfo=None)
    assert uw == [((at(D1, 8) + timedelta(days=5)).replace(tzinfo=None), fourteen_days, None,
                   fourteen_days)]
    # uk enters again on D2 on its second device, and nothing follows
    assert rows(sessions_warehouse,
                "select entry_date, steps_reached from marts.fct_funnel_user_entries "
                "where person_key = 'uk' order by entry_date") == [
        (D1.date(), 5), (D2.date(), 1)]


@pytest.mark.parametrize("column, expected", [
    # 8 people entered on D1; 4 added to cart (uk, v-tie, anon-x, uw), 3 checked out
    ("users", [8, 4, 3, 1, 1]),
    ("previous_step_users", [8, 8, 4, 3, 1]),
    ("drop_off_users", [0, 4, 1, 2, 0]),
])
def test_daily_user_funnel(sessions_warehouse, column, expected):
    got = rows(sessions_warehouse,
               f"select sum({column}) from marts.fct_funnel_users_daily "
               f"where entry_date = '{D1.date()}' group by step_order order by step_order")
    assert [r[0] for r in got] == expected
