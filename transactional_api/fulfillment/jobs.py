"""Fulfilment's background jobs inside the API process."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.db import transaction
from transactional_api.fulfillment.completion import complete_due

log = logging.getLogger("flywheel.fulfilment.jobs")


def start(*, settings: Settings, sessions: sessionmaker[Session],
          carriers: Mapping) -> list[Periodic]:
    jobs = []
    interval = settings.carrier_delivery_interval_seconds
    for name, carrier in carriers.items():
        if interval > 0 and hasattr(carrier, "deliver_due"):
            jobs.append(Periodic(f"carrier-{name}", interval,
                                 lambda c=carrier: c.deliver_due(sessions)).start())
    if settings.auto_complete_interval_seconds > 0:
        jobs.append(Periodic("auto-complete", settings.auto_complete_interval_seconds,
                             lambda: auto_complete(sessions, settings.auto_complete_days))
                    .start())
    return jobs


def auto_complete(sessions: sessionmaker[Session], days: float, *, batch: int = 500) -> int:
    """Complete everything due now, a batch per transaction (short write locks)."""
    total = 0
    while True:
        with transaction(sessions) as s:
            n = complete_due(s, clock.now(), days=days, limit=batch)
        total += n
        if n < batch:
            break
    if total:
        log.info("sub-orders completed automatically", extra={"completed": total})
    return total
