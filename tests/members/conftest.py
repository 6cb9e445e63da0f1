"""A bare SQLite database with the members' tables (no API), and events to feed it."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from tests.conftest import make_settings, run_api
from transactional_api.accounts.models import User
from transactional_api.config import Settings
from transactional_api.core.db import Base, make_engine, transaction
from transactional_api.events.models import OutboxEvent
from transactional_api.events.outbox import emit
from transactional_api.members.models import (
    GrowthEntry,
    MemberAccount,
    MemberActivity,
    MemberCursor,
    PointsEntry,
)

TABLES = [User.__table__, MemberAccount.__table__, GrowthEntry.__table__,
          PointsEntry.__table__, MemberCursor.__table__, OutboxEvent.__table__,
          MemberActivity.__table__]
T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'members.sqlite3'}")
    Base.metadata.create_all(engine, tables=TABLES)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def api(tmp_path, redis_server):
    """A live API with the members' background jobs off: tests call the consumer."""
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0))


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(var_dir=tmp_path / "var")


def add_user(sessions) -> str:
    uid = str(uuid.uuid4())
    with transaction(sessions) as s:
        s.add(User(id=uid, email=f"{uid}@example.com", password_hash="x"))
    return uid


def stage(sessions, event) -> str:
    with transaction(sessions) as s:
        emit(session=s, event=event)
    return event.event_id


def account(sessions, user_id: str) -> MemberAccount:
    with sessions() as s:
        return s.get(MemberAccount, user_id)


def growth_total(sessions, user_id: str) -> int:
    with sessions() as s:
        return s.scalar(select(func.coalesce(func.sum(GrowthEntry.growth), 0))
                        .where(GrowthEntry.user_id == user_id))


def emitted(sessions, event_type: str) -> list[dict]:
    with sessions() as s:
        return [json.loads(r) for r in s.scalars(
            select(OutboxEvent.record).where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id))]


def paid_order(c, order_id: str) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        order = c.get(f"/v1/orders/{order_id}").json()
        if order["status"] == "paid":
            return order
        time.sleep(0.05)
    raise AssertionError("order never paid")
