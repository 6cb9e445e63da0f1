"""Relay: outbox rows -> Redis Stream (real time) and the landing zone (batch).

At-least-once: a batch is landed and streamed first, then stamped published. A crash in
between republishes the batch next time; consumers drop duplicates by event_id. A Redis
lock keeps several API workers from relaying the same rows at once; when Redis is down
the lake still gets the events (the stream catches up from later batches only).
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core.db import utcnow
from transactional_api.events import lake
from transactional_api.events.models import OutboxEvent

log = logging.getLogger("flywheel.relay")
LOCK_KEY = "flywheel:relay:lock"


def relay_once(
    *,
    sessions: sessionmaker[Session],
    lake_dir: Path,
    redis_client: redis.Redis | None,
    stream: str,
    stream_maxlen: int,
    batch_size: int = 1000,
) -> int:
    """Publish up to batch_size pending events; returns how many were published."""
    lock = None
    if redis_client is not None:
        try:
            lock = redis_client.lock(LOCK_KEY, timeout=60, blocking_timeout=5)
            if not lock.acquire():
                return 0
        except (redis.ConnectionError, redis.TimeoutError):
            lock = None
            redis_client = None
    try:
        return _relay_batch(sessions, lake_dir, redis_client, stream, stream_maxlen, batch_size)
    finally:
        if lock is not None:
            with contextlib.suppress(redis.exceptions.LockError, redis.ConnectionError):
                lock.release()


def _relay_batch(sessions, lake_dir, redis_client, stream, stream_maxlen, batch_size) -> int:
    with sessions() as session:
        rows = session.execute(
            select(OutboxEvent.id, OutboxEvent.record)
            .where(OutboxEvent.published_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(batch_size)
        ).all()
        session.rollback()
    if not rows:
        return 0
    records = [json.loads(r.record) for r in rows]
    lake.land(lake_dir, records)
    if redis_client is not None:
        try:
            pipe = redis_client.pipeline(transaction=False)
            for r in rows:
                pipe.xadd(stream, {"record": r.record}, maxlen=stream_maxlen, approximate=True)
            pipe.execute()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            log.warning("stream publish failed; events are landed", extra={"error": str(exc)})
    ids = [r.id for r in rows]
    with sessions() as session, session.begin():
        for i in range(0, len(ids), 500):
            session.execute(
                update(OutboxEvent).where(OutboxEvent.id.in_(ids[i:i + 500]))
                .values(published_at=utcnow())
            )
    log.info("relayed", extra={"events": len(rows)})
    return len(rows)


def drain(**kwargs) -> int:
    """Relay until the outbox is empty; returns the total published."""
    total = 0
    while True:
        n = relay_once(**kwargs)
        total += n
        if n == 0:
            return total
