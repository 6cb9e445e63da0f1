"""The visitors of the session and funnel tests, each written to show one rule. The expected
numbers are worked out next to the events here and in the tests, never read off a run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.dbt.sessions_story import (
    cart,
    checkout,
    dbt_build,
    land,
    new_warehouse,
    order,
    page,
    paid,
    search,
    view,
)

D1 = datetime(2025, 4, 7, tzinfo=UTC)  # a Monday, midnight UTC
D2 = D1 + timedelta(days=1)
PAID_SEARCH = {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "brand",
               "referrer": "https://www.google.com/"}
EMAIL = {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "weekly"}
PAID_SOCIAL = {"utm_source": "facebook", "utm_medium": "paid_social", "utm_campaign": "spring"}


def at(day: datetime, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return day + timedelta(hours=hh, minutes=mm, seconds=ss)


def every_20_minutes(anon: str, hours: int) -> list[dict]:
    """Page views from D1 00:00 every 20 minutes for `hours` hours, both ends included."""
    return [page(D1 + timedelta(minutes=20 * i), anon, f"/p{i}") for i in range(hours * 3 + 1)]


def story() -> list[dict]:
    return [
        # v-split: 09:00 and 09:30 (exactly 30 min: same session), 10:00:01 (30 min 1 s
        # after 09:30: a new one) -> 2 sessions; landing "/" and "/b".
        page(at(D1, 9), "v-split", "/"),
        page(at(D1, 9, 30), "v-split", "/a"),
        page(at(D1, 10, 0, 1), "v-split", "/b"),
        # Engaged: 11 s > 10 (yes); 10 s, one view (no); 5 s but 2 views (yes); a lone
        # order_created, a conversion (yes).
        page(at(D1, 11), "v-11s"), search(at(D1, 11, 0, 11), "v-11s"),
        page(at(D1, 11), "v-10s"), search(at(D1, 11, 0, 10), "v-10s"),
        page(at(D1, 12), "v-2views"), view(at(D1, 12, 0, 5), "v-2views"),
        order(at(D1, 13), "v-conv", None, "o-conv"),
        # v-bot: a view every 20 min for 25 h (76 events, 90,000 s) -> quarantined.
        # v-day: the same for exactly 24 h (73 events, 86,400 s): not longer than 24 h, so a
        # session, dated D1 though it ends at D2 00:00.
        *every_20_minutes("v-bot", 25),
        *every_20_minutes("v-day", 24),
        # Landing: a product view first -> "/products/p2"; only an add to cart -> (not set).
        view(at(D1, 14), "v-land", "p2"), page(at(D1, 14, 1), "v-land", "/cart"),
        cart(at(D1, 14), "v-noland"),
        # Traffic: the first event naming a UTM source decides (google / cpc / brand);
        # a referrer only -> example.com / referral; nothing -> (direct); a source alone ->
        # partner / (not set) / (not set), Unassigned.
        page(at(D1, 15), "v-utm"),
        page(at(D1, 15, 1), "v-utm", context=PAID_SEARCH),
        page(at(D1, 15, 2), "v-utm", context=EMAIL),
        page(at(D1, 15), "v-ref", context={"referrer": "https://www.Example.com/blog?x=1"}),
        page(at(D1, 15), "v-direct"),
        page(at(D1, 15), "v-partner", context={"utm_source": "partner"}),
        # Last non-direct touch: email 100 days before D1 (past the 90-day lookback), direct
        # on D1 16:00 -> (direct); paid social at 17:00; direct on D2 -> paid social.
        page(at(D1 - timedelta(days=100), 16), "v-touch", context=EMAIL),
        page(at(D1, 16), "v-touch"),
        page(at(D1, 17), "v-touch", context=PAID_SOCIAL),
        page(at(D2, 16), "v-touch"),
        # Identity: anon-k browses anonymously from the newsletter two days before D1 (K0),
        # then on D1 views, signs in as uk at the add to cart, and the rest of the purchase
        # carries only the account (K1: one session, 6 events, every step). On D2 uk views
        # p2 on a second device and signs in there too (K2).
        page(at(D1 - timedelta(days=2), 20), "anon-k", context=EMAIL),
        page(at(D1, 9), "anon-k", "/"),
        view(at(D1, 9, 5), "anon-k"),
        cart(at(D1, 9, 10), "anon-k", "uk"),
        checkout(at(D1, 9, 12), None, "uk"),
        order(at(D1, 9, 15), None, "uk", "o-k"),
        paid(at(D1, 9, 16), None, "uk", "o-k"),
        view(at(D2, 10), "anon-k2", "p2"),
        page(at(D2, 10, 1), "anon-k2", "/", "uk"),
        # uz only ever sends its account: its own visitor.
        view(at(D1, 18), None, user="uz"),
        # A shared device: ua signs in at 19:00, nobody at 21:00, ub at 23:00 -> 3 sessions
        # stitched to ua (its own), ub (the device's latest account), ub.
        page(at(D1, 19), "anon-shared", "/", "ua"),
        page(at(D1, 21), "anon-shared"),
        page(at(D1, 23), "anon-shared", "/", "ub"),
        # Order of steps: an add to cart before the product view does not count.
        cart(at(D1, 20), "v-order"), view(at(D1, 20, 1), "v-order"),
        checkout(at(D1, 20, 2), "v-order"),
        # Same second: the add to cart counts after the view. Paid search on a phone.
        view(at(D1, 21), "v-tie", context={**PAID_SEARCH, "device": "mobile"}),
        cart(at(D1, 21), "v-tie", context={**PAID_SEARCH, "device": "mobile"}),
        # uw (account only): view D1 08:00, add to cart 5 days later, checkout exactly 14
        # days after the view (in the window), order one second later (outside).
        view(at(D1, 8), None, user="uw"),
        cart(at(D1 + timedelta(days=5), 8), None, "uw"),
        checkout(at(D1 + timedelta(days=14), 8), None, "uw"),
        order(at(D1 + timedelta(days=14), 8, 0, 1), None, "uw", "o-w"),
        # anon-x: views at 10:00, adds and checks out two hours later in another session.
        view(at(D1, 10), "anon-x"),
        cart(at(D1, 12), "anon-x"), checkout(at(D1, 12, 1), "anon-x"),
    ]


_BUILT: dict[str, Path] = {}


def built_story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The story landed and built once per test run (both test modules read it)."""
    if "story" not in _BUILT:
        work = tmp_path_factory.mktemp("sessions")
        warehouse, oltp_url = new_warehouse(work)
        land(work, oltp_url, story())
        dbt_build(work)
        _BUILT["story"] = warehouse
    return _BUILT["story"]
