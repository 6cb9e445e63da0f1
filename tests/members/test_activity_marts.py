"""The staging models of events no mart read before (member activity, tags, audiences,
roles) and the two marts over them, fct_member_activity_daily and
fct_tag_assignments_daily, from hand-written events landed like any other (one twice:
at-least-once delivery)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pytest

from tests.dbt import shop_story as story
from tests.dbt.test_metric_anomalies import _dbt
from transactional_api.events import access_events as ae
from transactional_api.events import member_events as me
from transactional_api.events import tag_events as te
from transactional_api.events.contract import PageView, to_record

SELECT = ["+fct_member_activity_daily", "+fct_tag_assignments_daily",
          "stg_flywheel__tag_changes", "stg_flywheel__audience_changes",
          "stg_flywheel__role_changes"]


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 6, day, hour, tzinfo=UTC)


def _sign_in(user: str, day: int, streak: int, bonus: int, hour: int = 12):
    return me.SignInRewarded(occurred_at=_at(day, hour), user_id=user, payload={
        "activity_date": f"2025-06-{day:02d}", "streak": streak, "points": 5 + bonus,
        "bonus_points": bonus, "growth": 1})


def _share(user: str, day: int, n: int, rewarded: bool):
    return me.ProductShared(occurred_at=_at(day), user_id=user, payload={
        "share_id": f"s-{user}-{day}-{n}", "product_id": "p1", "channel": "wechat",
        "rewarded": rewarded, "shares_today": n, "points": 2 if rewarded else 0,
        "growth": 1 if rewarded else 0})


def _tag(cls, tag: str, shopper: str, day: int):
    return cls(occurred_at=_at(day), user_id="op1",
               payload=te.UserTagPayload(tag=tag, tagged_user_id=shopper))


def _events() -> list[dict]:
    events = [
        _sign_in("u1", 1, 1, 0),
        _sign_in("u2", 1, 7, 20),  # the seventh day in a row: the streak bonus
        _sign_in("u1", 2, 2, 0, hour=0),
        _share("u1", 2, 1, True),
        _share("u1", 2, 2, True),
        _share("u1", 2, 3, False),  # past the day's rewarded shares
        me.BirthdayRewarded(occurred_at=_at(3), user_id="u3", payload={
            "year": 2025, "level": "gold", "points": 300, "growth": 50}),
        PageView(occurred_at=_at(5), anonymous_id="a1", payload={"page": "/"}),  # quiet days
        te.TagCreated(occurred_at=_at(1, 8), user_id="op1",
                      payload={"tag": "vip", "kind": "manual"}),
        te.TagStatusChanged(occurred_at=_at(1, 9), user_id="op1", payload={
            "tag": "vip", "kind": "manual", "from_status": "created", "to_status": "active"}),
        _tag(te.UserTagAssigned, "vip", "u1", 1),
        _tag(te.UserTagAssigned, "vip", "u2", 1),
        _tag(te.UserTagAssigned, "vip", "u3", 2),
        _tag(te.UserTagUnassigned, "vip", "u1", 2),
        _tag(te.UserTagAssigned, "wholesale", "u1", 2),
        _tag(te.UserTagUnassigned, "vip", "u2", 4),
        te.AudienceCreated(occurred_at=_at(1), user_id="op1", payload={
            "audience_id": "aud1", "name": "VIPs", "rule": '{"tag":"vip"}', "tags": ["vip"]}),
        te.AudienceDeleted(occurred_at=_at(3), user_id="op1",
                           payload={"audience_id": "aud1", "name": "VIPs"}),
        ae.RoleGranted(occurred_at=_at(1), user_id="staff1", payload={
            "role": "merchant_staff", "merchant_id": "m1", "actor_id": "admin1"}),
        ae.RoleRevoked(occurred_at=_at(4), user_id="staff1", payload={
            "role": "merchant_staff", "merchant_id": "m1", "actor_id": "admin1"}),
    ]
    return [to_record(e) for e in events]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("activity")
    path = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url, with_rows=False)
    events = _events()
    # the second share and the u3 assignment land twice
    story.load_warehouse(path, work / "lake", oltp_url, [events, [events[4], events[12]]])
    result = _dbt(work, path, "build", "--select", *SELECT)
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(path), read_only=True) as conn:
        yield conn


def test_member_activity_per_day(warehouse):
    rows = warehouse.execute(
        "select activity_date, sign_ins, streak_bonuses, sign_in_points, shares, "
        "rewarded_shares, share_points, birthday_rewards, birthday_points, activity_points, "
        "activity_growth, active_members from marts.fct_member_activity_daily "
        "order by activity_date").fetchall()
    d = [date(2025, 6, n) for n in range(1, 6)]
    assert rows == [
        (d[0], 2, 1, 30, 0, 0, 0, 0, 0, 30, 2, 2),  # 5 + (5 + 20)
        (d[1], 1, 0, 5, 3, 2, 4, 0, 0, 9, 3, 1),  # the share landed twice counts once
        (d[2], 0, 0, 0, 0, 0, 0, 1, 300, 300, 50, 1),
        (d[3], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        (d[4], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ]


def test_tags_assigned_and_removed_per_tag_and_day(warehouse):
    rows = warehouse.execute(
        "select activity_date, tag, users_assigned, users_removed, users_tagged "
        "from marts.fct_tag_assignments_daily order by tag, activity_date").fetchall()
    assert rows == [
        (date(2025, 6, 1), "vip", 2, 0, 2),
        (date(2025, 6, 2), "vip", 1, 1, 2),  # u3 on (landed twice), u1 off
        (date(2025, 6, 4), "vip", 0, 1, 1),
        (date(2025, 6, 2), "wholesale", 1, 0, 1),
    ]


def test_tag_lifecycle_audiences_and_roles_are_staged(warehouse):
    tags = warehouse.execute(
        "select tag, tag_kind, from_status, to_status, actor_id "
        "from staging.stg_flywheel__tag_changes order by changed_at").fetchall()
    assert tags == [("vip", "manual", None, "created", "op1"),
                    ("vip", "manual", "created", "active", "op1")]
    audiences = warehouse.execute(
        "select event_type, audience_id, audience_name, rule_json "
        "from staging.stg_flywheel__audience_changes order by changed_at").fetchall()
    assert audiences == [("audience_created", "aud1", "VIPs", '{"tag":"vip"}'),
                         ("audience_deleted", "aud1", "VIPs", None)]
    roles = warehouse.execute(
        "select event_type, user_id, role, merchant_id, actor_id, changed_date "
        "from staging.stg_flywheel__role_changes order by changed_at").fetchall()
    assert roles == [
        ("role_granted", "staff1", "merchant_staff", "m1", "admin1", date(2025, 6, 1)),
        ("role_revoked", "staff1", "merchant_staff", "m1", "admin1", date(2025, 6, 4)),
    ]
