"""Credit's nightly work inside the API (or `flywheel credit bill`): bill due instalments,
charge late fees, and assign receivables of completed orders to the funder."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.db import transaction
from transactional_api.credit import bills, funders
from transactional_api.credit.models import CreditPlan
from transactional_api.orders import service as orders

log = logging.getLogger("flywheel.credit")


def nightly(sessions: sessionmaker[Session], settings: Settings, *,
            now: datetime | None = None) -> dict:
    now = now or clock.now()
    totals = bills.run(sessions, settings, now=now)
    totals["assigned"] = assign_completed(sessions, settings, now=now)
    return totals


def assign_completed(sessions: sessionmaker[Session], settings: Settings, *,
                     now: datetime) -> int:
    if not settings.credit_funder or settings.credit_assign_at != "completion":
        return 0
    with transaction(sessions) as s:
        waiting = list(s.scalars(select(CreditPlan).where(
            CreditPlan.funder.is_(None), CreditPlan.status == "active").with_for_update()))
        done = orders.statuses(session=s, order_ids=[p.order_id for p in waiting])
        return sum(funders.assign(s, p, funder_name=settings.credit_funder,
                                  trigger="completion", at=now)
                   for p in waiting if done.get(p.order_id) == "completed")


def start(*, settings: Settings, sessions: sessionmaker[Session]) -> list[Periodic]:
    if settings.credit_billing_interval_seconds <= 0:
        return []
    return [Periodic("credit-billing", settings.credit_billing_interval_seconds,
                     lambda: nightly(sessions, settings)).start()]
