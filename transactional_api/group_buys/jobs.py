"""Group buying's periodic work inside the API: follow the outbox for members' payments,
then close the groups whose window has ended. Safe with several API processes (the
cursor row and each group row are locked; closing re-checks the group under its lock)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.db import transaction
from transactional_api.group_buys import consumer, lifecycle, service
from transactional_api.group_buys.models import OPEN, GroupBuyGroup

log = logging.getLogger("flywheel.group_buys")
CONSUMER_BATCH = 50
CONSUMER_BUDGET_SECONDS = 0.2


def close_due(sessions: sessionmaker[Session], settings: Settings, *,
              now: datetime | None = None, limit: int = 200,
              budget_seconds: float | None = None) -> dict[str, int]:
    """Close the open groups whose window ended by ``now`` (the shop clock by default),
    one transaction each, after catching up with the outbox: {status: groups}."""
    now = now or clock.now()
    consumer.consume_all(sessions, settings, budget_seconds=budget_seconds,
                         batch=CONSUMER_BATCH)
    with sessions() as s:
        due = list(s.scalars(select(GroupBuyGroup.id).where(
            GroupBuyGroup.status == OPEN, GroupBuyGroup.closes_at <= now)
            .order_by(GroupBuyGroup.closes_at, GroupBuyGroup.id).limit(limit)))
    closed: dict[str, int] = {}
    for group_id in due:
        with transaction(sessions) as s:
            group = service.get_group(session=s, group_id=group_id, lock=True)
            if group.status != OPEN or group.closes_at > now:
                continue  # another process closed it, or the consumer formed it
            status = lifecycle.close(s, group, now)
        closed[status] = closed.get(status, 0) + 1
    if closed:
        log.info("group buys closed", extra=closed)
    return closed


def tick(sessions: sessionmaker[Session], settings: Settings) -> None:
    # small bites: each batch holds the writer checkout needs too (as members/jobs.py)
    close_due(sessions, settings, budget_seconds=CONSUMER_BUDGET_SECONDS)


def start(*, settings: Settings, sessions: sessionmaker[Session]) -> list[Periodic]:
    if settings.group_buy_interval_seconds <= 0:
        return []
    return [Periodic("group-buys", settings.group_buy_interval_seconds,
                     lambda: tick(sessions, settings)).start()]
