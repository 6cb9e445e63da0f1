"""The flash sales' periodic work inside the API: the order worker, and a tick that arms
due sales, re-preloads an armed sale Redis lost before its first reservation, gives lapsed
reservations back to the pool and ends due sales. Safe with several API processes: the
sale row lock orders arm/end, and every Redis step is idempotent."""

from __future__ import annotations

import logging

import redis as redis_lib
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.background import Periodic
from transactional_api.core.errors import DomainError
from transactional_api.flash_sales import returns, service, worker

log = logging.getLogger("flywheel.flash")


def tick(sessions: sessionmaker[Session], client: redis_lib.Redis, settings: Settings) -> dict:
    now = clock.now()
    with sessions() as s:
        to_arm, to_end = service.due(s, now=now,
                                     arm_ahead_seconds=settings.flash_arm_ahead_seconds)
        for sale_id in service.armed_ids(s):
            service.ensure_preloaded(s, client, sale_id)
    armed = 0
    for sale_id in to_arm:
        try:
            service.arm(sessions, client, sale_id)
            armed += 1
        except DomainError as exc:  # not enough stock to hold, say: the operator sees it
            log.warning("flash sale not armed", extra={"sale_id": sale_id, "code": exc.code})
    released = returns.sweep(sessions, client)
    ended = 0
    for sale_id in to_end:
        worker.drain(sessions, client, queue=settings.flash_queue)
        _, done = service.finish(sessions, client, sale_id)
        ended += done
    return {"armed": armed, "released": released, "ended": ended}


def start(*, settings: Settings, sessions: sessionmaker[Session],
          client: redis_lib.Redis) -> list[Periodic]:
    jobs = []
    if settings.flash_worker_interval_seconds > 0:
        name = worker.consumer_name()
        jobs.append(Periodic("flash-worker", settings.flash_worker_interval_seconds,
                             lambda: worker.drain(sessions, client, queue=settings.flash_queue,
                                                  consumer=name)).start())
    if settings.flash_jobs_interval_seconds > 0:
        jobs.append(Periodic("flash-jobs", settings.flash_jobs_interval_seconds,
                             lambda: tick(sessions, client, settings)).start())
    return jobs
