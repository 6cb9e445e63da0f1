"""The members' periodic work inside the API: follow the outbox, expire points, run the
period end's downgrades, and reward the day's birthdays. Each is safe with several API
processes (cursor row and account row locks, and per-source unique keys)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.db import transaction
from transactional_api.members import activity, consumer, growth, points

log = logging.getLogger("flywheel.members")
# Each batch holds the database's writer (on SQLite, the one checkout needs too): small
# batches, and no new one past the budget in a tick; a backlog drains over several ticks.
CONSUMER_BATCH = 50
CONSUMER_BUDGET_SECONDS = 0.2


def housekeeping(sessions: sessionmaker[Session], settings: Settings, *,
                 now: datetime | None = None) -> dict:
    """Expire due points, run the period end's downgrades if one is due, then reward
    birthdays (once a year each, so running it hourly is the nightly job). ``now``
    defaults to the shop clock; pass a simulated time to replay a month."""
    now = now or clock.now()
    consumer.consume_all(sessions, settings)  # levels must see every earning first
    with transaction(sessions) as s:
        expired = points.expire_due(session=s, now=now)
    with transaction(sessions) as s:
        changes = growth.run_due_period_end(s, now=now, levels=settings.members_levels,
                                            window_days=settings.members_growth_window_days)
    with transaction(sessions) as s:
        birthdays = activity.grant_birthdays(s, now=now, settings=settings)
    if expired or changes or birthdays:
        log.info("members housekeeping", extra={"expired_points": expired,
                                                "downgrades": len(changes or []),
                                                "birthdays": birthdays})
    return {"expired_points": expired, "downgrades": changes or [], "birthdays": birthdays}


def start(*, settings: Settings, sessions: sessionmaker[Session]) -> list[Periodic]:
    jobs = []
    if settings.members_consumer_interval_seconds > 0:
        jobs.append(Periodic("members-consumer", settings.members_consumer_interval_seconds,
                             lambda: consumer.consume_all(
                                 sessions, settings, budget_seconds=CONSUMER_BUDGET_SECONDS,
                                 batch=CONSUMER_BATCH)).start())
    if settings.members_housekeeping_interval_seconds > 0:
        jobs.append(Periodic("members-housekeeping",
                             settings.members_housekeeping_interval_seconds,
                             lambda: housekeeping(sessions, settings)).start())
    return jobs
