"""Reach's periodic work inside the API: follow the outbox, sweep abandoned carts, send
what quiet hours held back. With the simulated clock (the demo) only the outbox consumer
runs here, since it dates each send by its event; the simulator runs the sweeps at its own
time through POST /v1/admin/reach/run."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.db import transaction
from transactional_api.reach import delivery, triggers
from transactional_api.reach.schemas import RunOut

log = logging.getLogger("flywheel.reach")
# Each batch holds the writer (on SQLite the one checkout needs): small bites per tick.
BATCH = 50
BUDGET_SECONDS = 0.2


def consume_all(sessions: sessionmaker[Session], settings: Settings, *,
                budget_seconds: float | None = None, batch: int = 200) -> int:
    total, started = 0, time.monotonic()
    while True:
        with sessions() as s:
            if not triggers.pending(s):
                return total
        with transaction(sessions) as s:
            created, more = triggers.consume_once(s, settings, batch=batch)
        total += created
        if not more or (budget_seconds is not None
                        and time.monotonic() - started >= budget_seconds):
            return total


def run_due(sessions: sessionmaker[Session], settings: Settings, *,
            now: datetime | None = None, budget_seconds: float | None = None,
            batch: int = 200) -> RunOut:
    """Everything due at now (default: the shop clock): outbox triggers, abandoned carts,
    deferred sends. Audience campaigns run from the pipelines (run_audience_campaigns)."""
    now = now or clock.now()
    applied = consume_all(sessions, settings, budget_seconds=budget_seconds, batch=batch)
    with transaction(sessions) as s:
        carts = triggers.sweep_abandoned_carts(s, now=now)
    with transaction(sessions) as s:
        deferred = delivery.send_due(s, now=now)
    if applied or carts or deferred:
        log.info("reach run", extra={"event_messages": applied, "cart_messages": carts,
                                     "deferred_sent": deferred})
    return RunOut(events_applied=applied, abandoned_carts=carts, audience_sends=0,
                  deferred_sent=deferred)


def start(*, settings: Settings, sessions: sessionmaker[Session]) -> list[Periodic]:
    if settings.reach_interval_seconds <= 0:
        return []
    def job() -> object:
        if settings.simulated_clock:
            return consume_all(sessions, settings, budget_seconds=BUDGET_SECONDS, batch=BATCH)
        return run_due(sessions, settings, budget_seconds=BUDGET_SECONDS, batch=BATCH)

    return [Periodic("reach", settings.reach_interval_seconds, job).start()]
