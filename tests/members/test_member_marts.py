"""fct_member_levels_daily and fct_points_daily from hand-written member events, landed
like any other (one twice: at-least-once delivery)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pytest

from tests.dbt import shop_story as story
from tests.dbt.test_metric_anomalies import _dbt
from transactional_api.events import member_events as me
from transactional_api.events.contract import PageView, to_record


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 6, day, hour, tzinfo=UTC)


def _points(cls, user: str, entry: int, points: int, balance: int, at: datetime):
    return cls(occurred_at=at, user_id=user, payload=me.PointsEntryPayload(
        seq=entry, points=points, balance_after=balance, reason="story"))


def _level(user: str, frm: str, to: str, direction: str, at: datetime):
    return me.MemberLevelChanged(occurred_at=at, user_id=user, payload={
        "from_level": frm, "to_level": to, "direction": direction, "window_growth": 0,
        "period_end": at if direction == "downgrade" else None})


def _events() -> list[dict]:
    events = [
        me.GrowthRecorded(occurred_at=_at(1), user_id="u1", payload={
            "growth": 100, "source": "order_paid", "window_growth": 100}),
        _points(me.PointsEarned, "u1", 1, 100, 100, _at(1)),
        _points(me.PointsEarned, "u2", 2, 600, 600, _at(1)),
        _level("u2", "regular", "silver", "upgrade", _at(1)),
        _points(me.PointsEarned, "u3", 3, 2500, 2500, _at(1)),
        _level("u3", "regular", "silver", "upgrade", _at(1, 13)),
        _level("u3", "silver", "gold", "upgrade", _at(1, 14)),  # the day's last change wins
        _points(me.PointsSpent, "u1", 4, 30, 70, _at(2)),
        _points(me.PointsExpired, "u2", 5, 50, 550, _at(2)),
        _level("u2", "silver", "regular", "downgrade", _at(3, 0)),
        _points(me.PointsReversed, "u2", 6, 100, 450, _at(3)),
        PageView(occurred_at=_at(4), anonymous_id="a1", payload={"page": "/"}),  # quiet day
    ]
    return [to_record(e) for e in events]


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    work = tmp_path_factory.mktemp("members")
    warehouse = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url, with_rows=False)
    events = _events()
    story.load_warehouse(warehouse, work / "lake", oltp_url, [events, [events[7]]])
    result = _dbt(work, warehouse, "build", "--select", "+fct_member_levels_daily",
                  "+fct_points_daily", "assert_points_outstanding_matches_member_balances")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        yield conn


def test_points_flow_per_day(marts):
    rows = marts.execute(
        "select activity_date, points_earned, points_spent, points_expired, points_reversed, "
        "net_points, points_outstanding, active_members from marts.fct_points_daily "
        "order by activity_date").fetchall()
    assert rows == [
        (date(2025, 6, 1), 3200, 0, 0, 0, 3200, 3200, 3),
        (date(2025, 6, 2), 0, 30, 50, 0, -80, 3120, 2),  # the spend landed twice counts once
        (date(2025, 6, 3), 0, 0, 0, 100, -100, 3020, 1),
        (date(2025, 6, 4), 0, 0, 0, 0, 0, 3020, 0),  # 70 + 450 + 2500
    ]


def test_level_distribution_and_movement_per_day(marts):
    rows = marts.execute(
        "select activity_date, level, members, upgrades_in, downgrades_in, upgrades_out, "
        "downgrades_out from marts.fct_member_levels_daily order by activity_date, level"
    ).fetchall()
    d1, d2, d3, d4 = (date(2025, 6, d) for d in (1, 2, 3, 4))
    assert rows == [
        (d1, "gold", 1, 1, 0, 0, 0),
        (d1, "regular", 1, 0, 0, 2, 0),  # u1 stays; u2 and u3 move up
        (d1, "silver", 1, 2, 0, 1, 0),  # u2 and u3 in, u3 on to gold
        (d2, "gold", 1, 0, 0, 0, 0),
        (d2, "regular", 1, 0, 0, 0, 0),
        (d2, "silver", 1, 0, 0, 0, 0),
        (d3, "gold", 1, 0, 0, 0, 0),
        (d3, "regular", 2, 0, 1, 0, 0),  # u2 back down at the period end
        (d3, "silver", 0, 0, 0, 0, 1),
        (d4, "gold", 1, 0, 0, 0, 0),
        (d4, "regular", 2, 0, 0, 0, 0),
    ]
