"""A bare SQLite database with every table (no API) for the reach service tests, a live
API with reach's background job off, and helpers to stage triggers."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from tests.conftest import make_settings, run_api
from transactional_api.accounts.models import User
from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.db import make_engine, transaction
from transactional_api.core.models import Base
from transactional_api.events import member_events as me
from transactional_api.events.models import OutboxEvent
from transactional_api.events.outbox import emit
from transactional_api.reach import campaigns
from transactional_api.reach.models import Campaign, ReachMessage
from transactional_api.reach.schemas import CampaignIn

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, noon UTC


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'reach.sqlite3'}")
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(var_dir=tmp_path / "var")


@pytest.fixture
def api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     reach_interval_seconds=0,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0))


def add_user(sessions, *, email: str | None = None) -> str:
    uid = str(uuid.uuid4())
    with transaction(sessions) as s:
        s.add(User(id=uid, email=email or f"{uid[:8]}@example.com", password_hash="x"))
    return uid


def campaign(sessions, *, at: datetime = T0, activate: bool = True, **body) -> Campaign:
    """A campaign saved (and activated) at `at` on the shop clock."""
    body = {"name": "level up", "channel": "inbox", "template": "Welcome to {level}!",
            "trigger": {"kind": "event", "event_type": "member_level_changed"}, **body}
    token = clock.set_override(at)
    try:
        with transaction(sessions) as s:
            c = campaigns.create(session=s, body=CampaignIn.model_validate(body),
                                 actor_id="operator")
            if activate:
                campaigns.transition(session=s, campaign_id=c.id, action="activate",
                                     actor_id="operator")
        return c
    finally:
        clock.reset(token)


def level_up(sessions, user_id: str, at: datetime, *, to: str = "silver",
             direction: str = "upgrade") -> str:
    event = me.MemberLevelChanged(occurred_at=at, user_id=user_id, payload={
        "from_level": "regular", "to_level": to, "direction": direction, "window_growth": 600,
        "period_end": at if direction == "downgrade" else None})
    with transaction(sessions) as s:
        emit(session=s, event=event)
    return event.event_id


def emitted(sessions, event_type: str) -> list[dict]:
    with sessions() as s:
        return [json.loads(r) for r in s.scalars(
            select(OutboxEvent.record).where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id))]


def messages(sessions, **where) -> list[ReachMessage]:
    with sessions() as s:
        query = select(ReachMessage).order_by(ReachMessage.created_at, ReachMessage.id)
        for k, v in where.items():
            query = query.where(getattr(ReachMessage, k) == v)
        return list(s.scalars(query))
