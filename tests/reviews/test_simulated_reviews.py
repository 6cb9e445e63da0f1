"""The simulator's shoppers review some delivered orders and the operator moderates them;
one seed replays the same reviews in two fresh shops."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from tests.simulator.seeds import seed_with_paid_order
from transactional_api.reviews.models import Review
from transactional_api.simulator import simulate
from transactional_api.simulator.reviews import TEXTS

# the simulated days end yesterday, so all of them lie in the past whatever the hour
NOW = datetime.combine(datetime.now(UTC).date(), time(0), tzinfo=UTC) - timedelta(seconds=1)
SHOPPERS, DAYS = 8, 6  # enough orders that one arrives, even after a failed first attempt (60 h)


def test_same_seed_same_reviews(tmp_path, redis_server):
    seed = seed_with_paid_order(SHOPPERS, DAYS, NOW)
    runs = []
    for name in ("a", "b"):
        # no background carrier or completion job: they run on the real clock, so they
        # would deliver parcels at moments no seed decides; the simulator's day ends do it
        settings = make_settings(tmp_path / name, redis_server.url, simulated_clock=True,
                                 carrier_delivery_interval_seconds=0,
                                 auto_complete_interval_seconds=0)
        for live in run_api(settings):
            summary = simulate(live.url, SHOPPERS, DAYS, seed, ADMIN_EMAIL, ADMIN_PASSWORD,
                               progress=False, now=NOW)
            with live.sessions() as s:
                reviews = sorted(
                    (r.created_at, r.rating, r.text, tuple(r.photo_urls), r.status,
                     r.reject_reason, r.reply_text)
                    for r in s.scalars(select(Review)))
            runs.append((summary.reviews, reviews))
    assert runs[0] == runs[1]
    count, reviews = runs[0]
    # the first delivered order is always reviewed; every review is one of the texts
    # for its stars, written on a simulated day and moderated that evening
    assert count == len(reviews) >= 1
    assert all(text == TEXTS[stars] for _, stars, text, *_ in reviews)
    assert all(NOW - timedelta(days=DAYS) < at <= NOW for at, *_ in reviews)
    assert all(status in ("published", "rejected") for *_, status, _, _ in reviews)
