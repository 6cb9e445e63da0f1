"""Quiet hours defer (never drop) a send; frequency caps count every campaign's sends to
the user on the channel over the rolling day and week. Times come from the shop clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.reach.conftest import T0, add_user, campaign, emitted, level_up, messages
from transactional_api.core.db import transaction
from transactional_api.reach import delivery, jobs


def test_a_send_due_in_quiet_hours_waits_for_the_window_end(sessions, settings):
    # quiet 22:00 -> 08:00 UTC (wrapping midnight); an upgrade at 23:30 sends at 08:00
    campaign(sessions, quiet_hours={"start_hour": 22, "end_hour": 8},
             offer={"code": "GOLD10", "valid_hours": 48},
             template="{level}: use {offer_code} until {offer_expires_at}")
    user = add_user(sessions)
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    level_up(sessions, user, late)
    assert jobs.consume_all(sessions, settings) == 1
    [m] = messages(sessions)
    morning = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert (m.status, m.due_at, m.sent_at) == ("scheduled", morning, None)
    assert emitted(sessions, "reach_message_sent") == []
    with transaction(sessions) as s:
        assert delivery.send_due(session=s, now=morning - timedelta(minutes=1)) == 0
    with transaction(sessions) as s:
        assert delivery.send_due(session=s, now=morning + timedelta(hours=2)) == 1
    with transaction(sessions) as s:
        assert delivery.send_due(session=s, now=morning + timedelta(hours=3)) == 0
    [m] = messages(sessions)
    assert (m.status, m.sent_at) == ("sent", morning)
    # the offer runs from the send, not from the trigger
    assert m.body == "silver: use GOLD10 until 2026-03-05 08:00 UTC"
    assert [e["occurred_at"] for e in emitted(sessions, "reach_message_sent")] == \
        ["2026-03-03T08:00:00Z"]


def test_quiet_until_inside_and_outside_the_window():
    class C:
        quiet_start_hour, quiet_end_hour = 1, 6

    at = datetime(2026, 3, 2, 5, 59, tzinfo=UTC)
    assert delivery.quiet_until(C, at) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert delivery.quiet_until(C, at.replace(hour=6, minute=0)) == at.replace(hour=6, minute=0)
    assert delivery.quiet_until(C, at.replace(hour=0)) == at.replace(hour=0)


def test_caps_count_every_campaign_on_the_channel(sessions, settings):
    # two campaigns on the inbox, each allowing 2 a day and 3 a week per user
    caps = {"per_day": 2, "per_week": 3}
    campaign(sessions, name="a", caps=caps)
    campaign(sessions, name="b", caps=caps,
             trigger={"kind": "event", "event_type": "member_level_changed",
                      "to_levels": ["silver"]}, template="b {level}")
    campaign(sessions, name="sms", channel="sms", template="sms {level}")  # another channel
    user = add_user(sessions)
    level_up(sessions, user, T0 + timedelta(hours=1))  # a and b send: 2 today
    level_up(sessions, user, T0 + timedelta(hours=2))  # both capped by the day
    level_up(sessions, user, T0 + timedelta(days=1, hours=3))  # a sends (3rd this week), b capped
    level_up(sessions, user, T0 + timedelta(days=8))  # a week later: both send again
    jobs.consume_all(sessions, settings)
    inbox = [(m.status, m.sent_at) for m in messages(sessions, channel="inbox")]
    assert sorted(s for s, _ in inbox) == ["capped"] * 3 + ["sent"] * 5
    sent = sorted(at for s, at in inbox if s == "sent")
    assert sent == [T0 + timedelta(hours=1)] * 2 + [T0 + timedelta(days=1, hours=3)] + \
        [T0 + timedelta(days=8)] * 2
    # the user has no phone: the sms campaign records undeliverable, caps untouched
    assert {m.status for m in messages(sessions, channel="sms")} == {"undeliverable"}
    assert len(emitted(sessions, "reach_message_sent")) == 5
