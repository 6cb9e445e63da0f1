"""Earning from activity: a day's first sign-in with a streak bonus (from the outbox),
shares capped per day, and a birthday once a year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import create_product, register
from tests.members.conftest import account, add_user, emitted, growth_total, stage
from transactional_api.core.db import transaction
from transactional_api.events.identity_events import UserSignedIn, UserSignedInPayload
from transactional_api.members import activity, consumer, jobs, points
from transactional_api.members.models import MemberActivity, MemberCursor

DAY0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def signed_in(user_id: str, at: datetime) -> UserSignedIn:
    return UserSignedIn(user_id=user_id, occurred_at=at,
                        payload=UserSignedInPayload(method="password"))


def test_the_first_sign_in_of_a_day_earns_and_every_seventh_day_in_a_row_adds_a_bonus(
        sessions, settings):
    uid = add_user(sessions)
    for day in range(8):  # 8 days in a row, three sign-ins on each
        for hour in (0, 5, 13):
            stage(sessions, signed_in(uid, DAY0 + timedelta(days=day, hours=hour)))
    stage(sessions, signed_in(uid, DAY0 + timedelta(days=10)))  # a gap: the streak restarts
    consumer.consume_all(sessions, settings)
    base, bonus = settings.members_sign_in_points, settings.members_sign_in_streak_bonus_points
    assert account(sessions, uid).points_balance == 9 * base + bonus
    assert growth_total(sessions, uid) == 9 * settings.members_sign_in_growth
    rewarded = emitted(sessions, "sign_in_rewarded")
    assert [e["payload"]["streak"] for e in rewarded] == [1, 2, 3, 4, 5, 6, 7, 8, 1]
    assert [e["payload"]["bonus_points"] for e in rewarded] == [0] * 6 + [bonus, 0, 0]
    # re-reading the whole outbox credits nothing twice
    with transaction(sessions) as s:
        s.execute(update(MemberCursor).values(position=0))
    consumer.consume_all(sessions, settings)
    assert account(sessions, uid).points_balance == 9 * base + bonus
    with sessions() as s:
        assert points.check(s) == []


def test_sign_ins_through_the_api_earn_once_a_day(api):
    register(api, "daily@example.com")
    for _ in range(3):
        api.login("daily@example.com", "shopper-pass-1")
    consumer.consume_all(api.sessions, api.settings)
    token = api.login("daily@example.com", "shopper-pass-1")
    consumer.consume_all(api.sessions, api.settings)
    with api.client(token) as c:
        assert c.get("/v1/members/me").json()["points_balance"] == \
            api.settings.members_sign_in_points
        entries = c.get("/v1/members/me/points/ledger").json()["items"]
        assert [e["reason"] for e in entries] == ["sign-in, day 1 in a row"]


def test_shares_earn_up_to_the_daily_cap_and_a_replayed_key_counts_once(api):
    with api.client(api.admin_token()) as admin:
        product = create_product(admin, code="SHARE-1")["id"]
    cap = api.settings.members_shares_rewarded_per_day
    with api.client(register(api, "sharer@example.com")) as c:
        answers = []
        for i in range(cap + 2):
            r = c.post(f"/v1/products/{product}/share", json={"channel": "link"},
                       headers={"Idempotency-Key": f"share-{i}"})
            assert r.status_code == 201, r.text
            answers.append(r.json())
        assert [a["rewarded"] for a in answers] == [True] * cap + [False, False]
        again = c.post(f"/v1/products/{product}/share", json={"channel": "link"},
                       headers={"Idempotency-Key": "share-0"})
        assert again.status_code == 200 and again.json()["share_id"] == "share-0"
        reused = c.post(f"/v1/products/{product}/share", json={"channel": "email"},
                        headers={"Idempotency-Key": "share-0"})
        assert reused.status_code == 422
        assert c.post("/v1/products/no-such-product/share",
                      json={"channel": "link"}).status_code == 404
        assert c.post(f"/v1/products/{product}/share",
                      json={"channel": "Bad Channel"}).status_code == 422
        me = c.get("/v1/members/me").json()
    assert me["points_balance"] == cap * api.settings.members_share_points
    assert me["window_growth"] == cap * api.settings.members_share_growth
    with api.sessions() as s:
        shared = s.scalars(select(MemberActivity).where(MemberActivity.kind == "share")).all()
        assert len(shared) == cap + 2


def test_a_birthday_is_set_once_and_granted_once_a_year(sessions, settings):
    uid = add_user(sessions)
    set_on = datetime(2025, 12, 1, tzinfo=UTC)
    with transaction(sessions) as s:
        activity.set_birthday(s, user_id=uid, birth_date=date(1990, 3, 14), at=set_on,
                              settings=settings)
    with transaction(sessions) as s, pytest.raises(Exception) as refused:
        activity.set_birthday(s, user_id=uid, birth_date=date(1991, 1, 1), at=set_on,
                              settings=settings)
    assert getattr(refused.value, "code", None) == "birthday_already_set"
    for day in (10, 14, 15, 16, 25):  # the nightly job, before, on and after the day
        jobs.housekeeping(sessions, settings, now=datetime(2026, 3, day, 2, tzinfo=UTC))
    assert account(sessions, uid).points_balance == settings.members_birthday_points
    jobs.housekeeping(sessions, settings, now=datetime(2027, 3, 14, 1, tzinfo=UTC))
    # (2026's lot expires an hour later, a year after it was granted)
    assert account(sessions, uid).points_balance == 2 * settings.members_birthday_points
    assert [e["payload"]["year"] for e in emitted(sessions, "birthday_rewarded")] == [
        2026, 2027]


def test_a_missed_night_a_leap_day_and_a_birthday_set_on_the_day(sessions, settings):
    late, leap, sly = add_user(sessions), add_user(sessions), add_user(sessions)
    with transaction(sessions) as s:
        for uid, born, at in ((late, date(1980, 6, 1), datetime(2026, 1, 1, tzinfo=UTC)),
                              (leap, date(2000, 2, 29), datetime(2026, 1, 1, tzinfo=UTC)),
                              (sly, date(1999, 2, 28), datetime(2026, 2, 28, tzinfo=UTC))):
            activity.set_birthday(s, user_id=uid, birth_date=born, at=at, settings=settings)
    with transaction(sessions) as s:  # 28 Feb 2026 (not a leap year): the leap day's day
        assert activity.grant_birthdays(s, now=datetime(2026, 2, 28, 23, tzinfo=UTC),
                                        settings=settings) == 1
    with transaction(sessions) as s:  # the job was down from 1 June until the 6th
        assert activity.grant_birthdays(s, now=datetime(2026, 6, 6, tzinfo=UTC),
                                        settings=settings) == 1
    balances = {u: account(sessions, u).points_balance for u in (late, leap, sly)}
    assert balances == {late: settings.members_birthday_points,
                        leap: settings.members_birthday_points, sly: 0}


def test_a_birthday_set_through_the_api_shows_on_the_member(api):
    with api.client(register(api, "birthday@example.com")) as c:
        r = c.put("/v1/members/me/birthday", json={"birth_date": "1990-07-04"})
        assert r.status_code == 200, r.text
        assert c.put("/v1/members/me/birthday",
                     json={"birth_date": "1990-07-04"}).status_code == 200
        other = c.put("/v1/members/me/birthday", json={"birth_date": "1990-07-05"})
        assert other.status_code == 409
        assert other.json()["error"]["code"] == "birthday_already_set"
        future = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
        r = c.put("/v1/members/me/birthday", json={"birth_date": future})
        assert r.status_code == 422
        assert c.get("/v1/members/me").json()["birth_date"] == "1990-07-04"
