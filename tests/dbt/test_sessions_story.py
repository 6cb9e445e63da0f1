"""Sessions over the story in sessions_fixture.py: the 30-minute split, the quarantine of
over-long sessions, engaged sessions, landing pages, traffic sources, touches and identity
stitching. Each expectation is worked out beside the events in sessions_fixture.py."""

from datetime import datetime, timedelta

import pytest

from tests.dbt.sessions_fixture import D1, D2, at, built_story
from tests.dbt.sessions_story import rows


@pytest.fixture(scope="module")
def sessions_warehouse(tmp_path_factory):
    return built_story(tmp_path_factory)


def naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def sessions_of(warehouse, visitor: str, columns: str) -> list[tuple]:
    return rows(warehouse, f"select {columns} from marts.fct_sessions "
                           f"where visitor_key = '{visitor}' order by session_start_at")


def test_more_than_30_minutes_without_an_event_starts_a_new_session(sessions_warehouse):
    # 09:00 and 09:30 are one session (a gap of exactly 30 minutes), 10:00:01 another
    assert sessions_of(sessions_warehouse, "v-split",
                       "session_start_at, session_end_at, events, landing_page") == [
        (naive(at(D1, 9)), naive(at(D1, 9, 30)), 2, "/"),
        (naive(at(D1, 10, 0, 1)), naive(at(D1, 10, 0, 1)), 1, "/b"),
    ]
    # 25 sessions start on D1 (counted visitor by visitor in sessions_fixture.py: v-split 2,
    # v-touch 2, anon-shared 3, anon-x 2, 16 others 1 each); v-bot's is quarantined
    assert rows(sessions_warehouse, "select count(*) from marts.fct_sessions "
                                 f"where session_date = '{D1.date()}'") == [(25,)]


def test_sessions_longer_than_24_hours_are_quarantined_not_merged(sessions_warehouse):
    assert sessions_of(sessions_warehouse, "v-bot", "session_key") == []
    assert rows(sessions_warehouse,
                "select visitor_key, session_date, events, duration_seconds "
                "from marts.fct_sessions_quarantined") == [("v-bot", D1.date(), 76, 90_000.0)]
    # exactly 24 hours is not longer: a session, dated by its start although it ends on D2
    assert sessions_of(sessions_warehouse, "v-day",
                       "session_date, session_end_at, events, duration_seconds") == [
        (D1.date(), naive(D2), 73, 86_400.0)]


def test_engaged_sessions_follow_ga4(sessions_warehouse):
    engaged = dict(rows(sessions_warehouse,
                        "select visitor_key, is_engaged from marts.fct_sessions where "
                        "visitor_key in ('v-11s', 'v-10s', 'v-2views', 'v-conv')"))
    # 11 s > 10 s; 10 s is not over 10 with one view; 2 views; a conversion
    assert engaged == {"v-11s": True, "v-10s": False, "v-2views": True, "v-conv": True}
    assert sessions_of(sessions_warehouse, "v-split", "is_engaged") == [(True,), (False,)]
    assert sessions_of(sessions_warehouse, "v-2views", "duration_seconds, page_views") == [
        (5.0, 2)]


def test_landing_page_is_the_first_page_or_product_viewed(sessions_warehouse):
    landing = dict(rows(sessions_warehouse, "select visitor_key, landing_page from "
                                         "marts.fct_sessions where visitor_key like 'v-%land'"))
    assert landing == {"v-land": "/products/p2", "v-noland": "(not set)"}


def test_traffic_source_from_utm_else_referrer_else_direct(sessions_warehouse):
    traffic = {r[0]: r[1:] for r in rows(
        sessions_warehouse,
        "select visitor_key, traffic_source, traffic_medium, traffic_campaign, channel, "
        "utm_source from marts.fct_sessions where visitor_key in "
        "('v-utm', 'v-ref', 'v-direct', 'v-partner')")}
    assert traffic == {
        "v-utm": ("google", "cpc", "brand", "Paid Search", "google"),  # not the later email
        "v-ref": ("example.com", "referral", "(referral)", "Referral", None),
        "v-direct": ("(direct)", "(none)", "(direct)", "Direct", None),
        "v-partner": ("partner", "(not set)", "(not set)", "Unassigned", "partner"),
    }


def test_last_non_direct_touch_and_first_touch(sessions_warehouse):
    assert sessions_of(sessions_warehouse, "v-touch",
                       "last_touch_source, last_touch_campaign, last_touch_channel, "
                       "visitor_type") == [
        ("newsletter", "weekly", "Email", "new"),  # its own touch
        ("(direct)", "(direct)", "Direct", "returning"),  # the email is 100 days old
        ("facebook", "spring", "Paid Social", "returning"),  # its own touch
        ("facebook", "spring", "Paid Social", "returning"),  # direct, inherits D1 17:00
    ]
    assert rows(sessions_warehouse,
                "select first_touch_source, first_touch_channel, first_session_date, sessions "
                "from marts.dim_visitors where person_key = 'v-touch'") == [
        ("newsletter", "Email", (D1 - timedelta(days=100)).date(), 4)]


def test_sign_in_stitches_earlier_sessions_and_keeps_the_session_key(sessions_warehouse):
    # K0 (anonymous, two days before), K1 (signs in mid-session), then K2 on a second device
    assert rows(sessions_warehouse,
                "select visitor_key, user_id, stitched_user_id, person_key, events, "
                "reached_order_paid, visitor_type from marts.fct_sessions "
                "where person_key = 'uk' order by session_start_at") == [
        ("anon-k", None, "uk", "uk", 1, False, "new"),
        ("anon-k", "uk", "uk", "uk", 6, True, "returning"),
        ("anon-k2", "uk", "uk", "uk", 2, False, "returning"),
    ]
    # K1's six events, before and after the sign-in, with or without the anonymous id, carry
    # one session key: the key of its first, anonymous, page view
    keys = rows(sessions_warehouse,
                "select distinct session_key from intermediate.int_events_sessionized "
                f"where visitor_key = 'anon-k' and session_date = '{D1.date()}'")
    first_key = rows(sessions_warehouse,
                     "select session_key from intermediate.int_events_sessionized "
                     f"where anonymous_id = 'anon-k' and occurred_at = '{naive(at(D1, 9))}'")
    assert len(keys) == 1 and keys == first_key
    assert sessions_of(sessions_warehouse, "uk", "session_key") == []  # no split-off session
    assert rows(sessions_warehouse,
                "select visitors, sessions, converted_sessions, first_touch_source, "
                "first_session_date from marts.dim_visitors where person_key = 'uk'") == [
        (2, 3, 1, "newsletter", (D1 - timedelta(days=2)).date())]


def test_a_shared_device_follows_its_latest_account_unless_signed_in(sessions_warehouse):
    assert sessions_of(sessions_warehouse, "anon-shared", "user_id, stitched_user_id") == [
        ("ua", "ua"), (None, "ub"), ("ub", "ub")]
    # an account never seen on a device is its own visitor and person
    assert sessions_of(sessions_warehouse, "uz", "user_id, person_key") == [("uz", "uz")]
    assert rows(sessions_warehouse,
                "select anonymous_id, user_id, is_current from intermediate.int_identity_map "
                "order by anonymous_id, user_id") == [
        ("anon-k", "uk", True), ("anon-k2", "uk", True),
        ("anon-shared", "ua", False), ("anon-shared", "ub", True)]
