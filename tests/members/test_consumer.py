"""Earning from the outbox: paid orders, refunds and reviews, each applied once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.members.conftest import T0, account, add_user, emitted, growth_total, stage
from tests.members.events import moderated, paid, refunded
from transactional_api.core.db import transaction
from transactional_api.members import consumer, points
from transactional_api.members.models import MemberCursor


def test_a_paid_order_earns_growth_and_points_once(sessions, settings):
    uid = add_user(sessions)
    stage(sessions, paid(uid, "o1", 12_345, T0))
    assert consumer.consume_all(sessions, settings) == 1
    # 1 growth and 1 point per 100 cents: 12,345 cents -> 123 of each (floored)
    assert account(sessions, uid).points_balance == 123
    assert growth_total(sessions, uid) == 123
    # re-reading the whole outbox from the start applies nothing again
    with transaction(sessions) as s:
        s.execute(update(MemberCursor).values(position=0))
    assert consumer.consume_all(sessions, settings) == 0
    assert account(sessions, uid).points_balance == 123
    assert growth_total(sessions, uid) == 123
    [earned] = emitted(sessions, "points_earned")
    assert earned["payload"]["points"] == 123 and earned["payload"]["order_id"] == "o1"
    [grown] = emitted(sessions, "growth_recorded")
    assert grown["payload"]["growth"] == 123 and grown["payload"]["window_growth"] == 123


def test_growth_upgrades_the_level_at_once(sessions, settings):
    uid = add_user(sessions)
    stage(sessions, paid(uid, "o1", 49_999, T0))  # 499 growth: still regular
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).level == "regular"
    stage(sessions, paid(uid, "o2", 100, T0 + timedelta(hours=1)))  # 500: silver
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).level == "silver"
    [changed] = emitted(sessions, "member_level_changed")
    assert changed["payload"] == {"from_level": "regular", "to_level": "silver",
                                  "direction": "upgrade", "window_growth": 500,
                                  "period_end": None}


def test_partial_refunds_take_back_the_refunded_share(sessions, settings):
    uid = add_user(sessions)
    stage(sessions, paid(uid, "o1", 25_000, T0))  # 250 growth, 250 points
    stage(sessions, refunded(uid, "o1", 10_000, T0 + timedelta(days=1)))
    consumer.consume_all(sessions, settings)
    # 10,000 of 25,000 refunded: 250 * 2/5 = 100 taken back
    assert account(sessions, uid).points_balance == 150
    assert growth_total(sessions, uid) == 150
    stage(sessions, refunded(uid, "o1", 15_000, T0 + timedelta(days=2)))
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).points_balance == 0
    assert growth_total(sessions, uid) == 0


def test_rounding_over_several_refunds_matches_one_refund_of_their_sum(sessions, settings):
    uid = add_user(sessions)
    stage(sessions, paid(uid, "o1", 250, T0))  # 2 points
    stage(sessions, refunded(uid, "o1", 199, T0 + timedelta(days=1)))  # floor(2*199/250)=1
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).points_balance == 1
    stage(sessions, refunded(uid, "o1", 51, T0 + timedelta(days=2)))  # all 250: 2 in all
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).points_balance == 0


def test_a_refund_of_spent_points_becomes_a_debt_settled_by_later_earnings(sessions, settings):
    uid = add_user(sessions)
    stage(sessions, paid(uid, "o1", 10_000, T0))  # 100 points
    consumer.consume_all(sessions, settings)
    with transaction(sessions) as s:
        points.spend(s, user_id=uid, points=80, reason="voucher", idempotency_key="k1",
                     at=T0 + timedelta(hours=1), levels=settings.members_levels)
    stage(sessions, refunded(uid, "o1", 10_000, T0 + timedelta(days=1)))
    consumer.consume_all(sessions, settings)
    # 100 to take back, 20 left: 20 taken, 80 owed; the balance stays at 0
    a = account(sessions, uid)
    assert (a.points_balance, a.points_debt) == (0, 80)
    stage(sessions, paid(uid, "o2", 5_000, T0 + timedelta(days=2)))  # +50, all to the debt
    consumer.consume_all(sessions, settings)
    a = account(sessions, uid)
    assert (a.points_balance, a.points_debt) == (0, 30)
    stage(sessions, paid(uid, "o3", 5_000, T0 + timedelta(days=3)))  # +50, 30 to the debt
    consumer.consume_all(sessions, settings)
    a = account(sessions, uid)
    assert (a.points_balance, a.points_debt) == (20, 0)
    # a second copy of the full refund (a replayed event id is skipped; a new refund of the
    # same order is capped at what was paid) takes nothing more
    stage(sessions, refunded(uid, "o1", 10_000, T0 + timedelta(days=4)))
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).points_balance == 20
    with sessions() as s:
        assert points.check(s) == []


def test_published_reviews_earn_and_lose_it_when_taken_down(sessions, settings):
    uid = add_user(sessions)
    stage(sessions, moderated(uid, "r1", "pending", "rejected", T0))  # never earned
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid) is None
    stage(sessions, moderated(uid, "r2", "pending", "published", T0))
    consumer.consume_all(sessions, settings)
    assert (account(sessions, uid).points_balance, growth_total(sessions, uid)) == (20, 10)
    stage(sessions, moderated(uid, "r2", "published", "rejected", T0 + timedelta(days=1)))
    consumer.consume_all(sessions, settings)
    assert (account(sessions, uid).points_balance, growth_total(sessions, uid)) == (0, 0)


def test_taking_down_a_review_never_credited_takes_nothing(sessions, settings):
    uid = add_user(sessions)
    stage(sessions, paid(uid, "o1", 10_000, T0))  # 100 points, 100 growth
    stage(sessions, moderated(uid, "r-old", "published", "rejected", T0 + timedelta(days=1)))
    consumer.consume_all(sessions, settings)
    assert (account(sessions, uid).points_balance, account(sessions, uid).points_debt,
            growth_total(sessions, uid)) == (100, 0, 100)


def test_a_refund_of_an_order_never_earned_on_changes_nothing(sessions, settings):
    uid = add_user(sessions)
    stage(sessions, refunded(uid, "unknown", 5_000, T0))
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).points_balance == 0
    assert growth_total(sessions, uid) == 0
