"""A migrated SQLite OLTP of each test's own, and contract records for the stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core.db import make_engine
from transactional_api.events import contract as c
from transactional_api.events.models import OutboxEvent
from transactional_api.migrations import upgrade


@pytest.fixture
def sessions(tmp_path) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path}/oltp.sqlite3"
    upgrade(url)
    engine = make_engine(url)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def outbox_records(sessions: sessionmaker[Session], event_type: str) -> list[dict]:
    with sessions() as session:
        rows = session.scalars(select(OutboxEvent.record)
                               .where(OutboxEvent.event_type == event_type)
                               .order_by(OutboxEvent.id)).all()
    return [json.loads(r) for r in rows]


def payment_record(kind: str, at: datetime, payment: str, event_id: str | None = None) -> dict:
    """A payment_started or payment_failed record, as the relay puts it on the stream."""
    model = c.PaymentFailed if kind == "failed" else c.ALL_EVENTS["payment_started"]
    payload = ({"order_id": f"o-{payment}", "payment_id": payment, "reason": "declined"}
               if kind == "failed" else
               {"payment_id": payment, "order_id": f"o-{payment}", "channel": "card",
                "amount_cents": 1000, "currency": "USD"})
    extra = {"event_id": event_id} if event_id else {}
    return c.to_record(model(occurred_at=at, payload=payload, **extra))
