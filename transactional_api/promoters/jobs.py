"""The promoters' periodic work inside the API: follow the outbox, then mature what is due.
Safe with several API processes (cursor and promoter row locks, unique ledger keys)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.db import transaction
from transactional_api.promoters import commissions, consumer

# small bites: each batch holds the database's writer, which checkout needs too
BATCH, BUDGET_SECONDS = 50, 0.2


def run_due(sessions: sessionmaker[Session], settings: Settings, *,
            now: datetime | None = None, budget_seconds: float | None = None) -> dict:
    applied = consumer.consume_all(sessions, settings, budget_seconds=budget_seconds,
                                   batch=BATCH if budget_seconds else 200)
    with transaction(sessions) as s:
        matured = commissions.mature_due(s, now=now or clock.now())
    return {"applied": applied, "matured": matured}


def start(*, settings: Settings, sessions: sessionmaker[Session]) -> list[Periodic]:
    if settings.promoters_interval_seconds <= 0:
        return []
    return [Periodic("promoters", settings.promoters_interval_seconds,
                     lambda: run_due(sessions, settings,
                                     budget_seconds=BUDGET_SECONDS)).start()]
