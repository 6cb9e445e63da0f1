"""The points mall's periodic work inside the API: follow the outbox and give back what
undone mall orders took (safe with several API processes: the cursor row lock)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core.background import Periodic
from transactional_api.points_mall import giveback

# small batches: each holds the database's writer, which checkout needs too (SQLite)
BATCH = 50


def start(*, settings: Settings, sessions: sessionmaker[Session]) -> list[Periodic]:
    if settings.points_mall_consumer_interval_seconds <= 0:
        return []
    return [Periodic("points-mall-consumer", settings.points_mall_consumer_interval_seconds,
                     lambda: giveback.consume_once(sessions, settings, batch=BATCH)).start()]
