"""Levels: thresholds, upgrades at once, downgrades only at a period end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.members.conftest import T0, account, add_user, emitted, stage
from tests.members.events import paid
from transactional_api.core.db import transaction
from transactional_api.members import consumer, growth, jobs
from transactional_api.members.levels import (
    DEFAULT_LEVELS,
    LevelRule,
    check_levels,
    level_for,
    member_benefits,
)


@pytest.mark.parametrize(("growth_value", "level"), [
    (0, "regular"), (499, "regular"), (500, "silver"), (1999, "silver"), (2000, "gold"),
    (7999, "gold"), (8000, "diamond"), (10**9, "diamond")])
def test_thresholds(growth_value, level):
    assert level_for(DEFAULT_LEVELS, growth_value).name == level


@pytest.mark.parametrize("levels", [
    [], [LevelRule(name="a", min_growth=5)],
    [LevelRule(name="a", min_growth=0), LevelRule(name="b", min_growth=0)],
    [LevelRule(name="a", min_growth=0), LevelRule(name="a", min_growth=10)]])
def test_bad_level_lists_are_refused(levels):
    with pytest.raises(ValueError):
        check_levels(levels)


def test_periods_are_calendar_months():
    assert growth.period_start(datetime(2026, 3, 17, 8, tzinfo=UTC)) == \
        datetime(2026, 3, 1, tzinfo=UTC)


def test_downgrade_waits_for_the_period_end(sessions, settings):
    settings.members_growth_window_days = 30
    uid = add_user(sessions)
    stage(sessions, paid(uid, "o1", 250_000, T0))  # 2,500 growth on Jan 10: gold at once
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).level == "gold"
    with sessions() as s:
        assert member_benefits(session=s, user_id=uid, levels=settings.members_levels) \
            .free_shipping is True
    # Feb 1: Jan 10 is inside the 30-day window (Jan 2 - Feb 1]: stays gold
    feb = jobs.housekeeping(sessions, settings, now=datetime(2026, 2, 5, tzinfo=UTC))
    assert feb["downgrades"] == [] and account(sessions, uid).level == "gold"
    # Feb 20: the window no longer holds Jan 10, but Feb's period end has run: still gold
    jobs.housekeeping(sessions, settings, now=datetime(2026, 2, 20, tzinfo=UTC))
    assert account(sessions, uid).level == "gold"
    # Mar 1's period end: window (Jan 30 - Mar 1] holds nothing -> regular
    march = jobs.housekeeping(sessions, settings, now=datetime(2026, 3, 1, 0, 5, tzinfo=UTC))
    assert march["downgrades"] == [(uid, "gold", "regular")]
    assert account(sessions, uid).level == "regular"
    down = emitted(sessions, "member_level_changed")[-1]["payload"]
    assert (down["direction"], down["from_level"], down["to_level"], down["window_growth"]) \
        == ("downgrade", "gold", "regular", 0)
    assert down["period_end"] == "2026-03-01T00:00:00Z"
    # the same period end never runs twice
    assert jobs.housekeeping(sessions, settings, now=datetime(2026, 3, 9, tzinfo=UTC)) \
        ["downgrades"] == []


def test_a_period_end_downgrades_to_the_level_still_held(sessions, settings):
    settings.members_growth_window_days = 30
    uid = add_user(sessions)
    stage(sessions, paid(uid, "o1", 800_000, T0))  # 8,000: diamond
    stage(sessions, paid(uid, "o2", 60_000, T0 + timedelta(days=25)))  # Feb 4: +600
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).level == "diamond"
    with transaction(sessions) as s:
        changes = growth.period_end(s, at=datetime(2026, 3, 1, tzinfo=UTC),
                                    levels=settings.members_levels, window_days=30)
    # window (Jan 30 - Mar 1] holds 600: silver
    assert changes == [(uid, "diamond", "silver")]
