"""Relay: outbox rows -> the landing zone (batch) and a Redis Stream (real time).

Two independent passes, each with its own batch and its own stamp: rows with
published_at NULL are landed in the lake, rows with streamed_at NULL are added to the
stream. At-least-once: a crash between a write and its stamp repeats the write next
time; consumers drop duplicates by event_id. A Redis outage only delays the stream pass
(its rows wait in the outbox and the stream catches up once Redis answers); the lake
pass goes on without Redis.

A short Redis lease, renewed between steps, keeps several API workers from relaying the
same rows at once; a holder killed mid-round blocks the others for one lease at most.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import redis
from redis.exceptions import LockNotOwnedError
from redis.lock import Lock
from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from transactional_api.core.db import utcnow
from transactional_api.events import lake
from transactional_api.events.models import OutboxEvent

log = logging.getLogger("flywheel.relay")
LOCK_KEY = "flywheel:relay:lock"
TMP_MAX_AGE_SECONDS = 60.0
# Globbing every partition twice a second would grow with the lake: sweep once a minute.
_next_tmp_sweep: dict[Path, float] = {}


class _Lease:
    """The relay lock for one round. lock is None when Redis is absent or stopped
    answering; lost is set once another relay took the lease over."""

    def __init__(self, lock: Lock | None):
        self.lock, self.lost = lock, False

    def renew(self) -> bool:
        """Push the lease out again; False once it belongs to another relay."""
        if self.lock is None or self.lost:
            return not self.lost
        try:
            self.lock.reacquire()
        except LockNotOwnedError:
            log.warning("relay lease lost: a step outlasted it; leaving the rest to its "
                        "new holder", extra={"lock": LOCK_KEY})
            self.lost = True
        except redis.RedisError as exc:
            _redis_failed("relay lease renewal failed; landing without the stream", exc)
            self.lock = None
        return not self.lost

    def release(self) -> None:
        if self.lock is None:
            return
        try:
            self.lock.release()
        except LockNotOwnedError:
            if not self.lost:
                log.warning("relay lease expired before the round ended; another relay may "
                            "have repeated part of it", extra={"lock": LOCK_KEY})
        except redis.RedisError as exc:
            _redis_failed("relay lease release failed; it expires on its own", exc)


def _redis_failed(msg: str, exc: Exception) -> None:
    log.warning(msg, extra={"error": f"{type(exc).__name__}: {exc}"})


def relay_once(
    *,
    sessions: sessionmaker[Session],
    lake_dir: Path,
    redis_client: redis.Redis | None,
    stream: str,
    stream_maxlen: int,
    batch_size: int = 1000,
    lease_seconds: float = 5.0,
) -> int:
    """One stream pass and one lake pass of up to batch_size rows each. Returns the larger
    count: 0 means both are caught up, or another relay holds the lease."""
    _sweep_stale_tmp(lake_dir)
    lease = _Lease(None)
    if redis_client is not None:
        lock = redis_client.lock(LOCK_KEY, timeout=lease_seconds)
        try:
            if not lock.acquire(blocking=False):
                return 0  # another relay holds the lease: skip this round
            lease.lock = lock
        except redis.RedisError as exc:
            _redis_failed("redis unavailable; landing without the stream", exc)
    try:
        streamed = _stream_pass(sessions, lease, redis_client, stream, stream_maxlen, batch_size)
        landed = _lake_pass(sessions, lease, lake_dir, batch_size) if lease.renew() else 0
    finally:
        lease.release()
    if streamed or landed:
        log.info("relayed", extra={"streamed": streamed, "landed": landed})
    return max(streamed, landed)


def _stream_pass(sessions, lease: _Lease, client, stream: str, maxlen: int,
                 batch_size: int) -> int:
    if lease.lock is None:  # no Redis, or it did not answer: the rows wait in the outbox
        return 0
    rows = _pending(sessions, OutboxEvent.streamed_at, batch_size)
    if not rows:
        return 0
    try:
        pipe = client.pipeline(transaction=False)
        for r in rows:
            pipe.xadd(stream, {"record": r.record}, maxlen=maxlen, approximate=True)
        pipe.execute()
    except redis.RedisError as exc:
        # some entries may have gone in: they are streamed again, consumers dedupe
        _redis_failed("stream publish failed; the events stay pending for the stream", exc)
        if isinstance(exc, redis.ConnectionError | redis.TimeoutError):
            lease.lock = None  # Redis is gone: the lease lapses by itself
        return 0
    lease.renew()
    _stamp(sessions, [r.id for r in rows], OutboxEvent.streamed_at)
    return len(rows)


def _lake_pass(sessions, lease: _Lease, lake_dir: Path, batch_size: int) -> int:
    rows = _pending(sessions, OutboxEvent.published_at, batch_size)
    if not rows:
        return 0
    lake.land(lake_dir, [json.loads(r.record) for r in rows])
    lease.renew()
    _stamp(sessions, [r.id for r in rows], OutboxEvent.published_at)
    return len(rows)


def _pending(sessions, column: InstrumentedAttribute, batch_size: int) -> list:
    with sessions() as session:
        rows = session.execute(
            select(OutboxEvent.id, OutboxEvent.record)
            .where(column.is_(None))
            .order_by(OutboxEvent.id)
            .limit(batch_size)
        ).all()
        session.rollback()
    return rows


def _stamp(sessions, ids: list[int], column: InstrumentedAttribute) -> None:
    # Stamped even when the lease was lost meanwhile: the write did happen.
    with sessions() as session, session.begin():
        for i in range(0, len(ids), 500):
            session.execute(
                update(OutboxEvent).where(OutboxEvent.id.in_(ids[i:i + 500]))
                .values({column.key: utcnow()})
            )


def _sweep_stale_tmp(lake_dir: Path) -> None:
    now = time.monotonic()
    if _next_tmp_sweep.get(lake_dir, 0.0) > now:
        return
    _next_tmp_sweep[lake_dir] = now + TMP_MAX_AGE_SECONDS
    removed = lake.remove_stale_tmp(lake_dir, TMP_MAX_AGE_SECONDS)
    if removed:
        log.warning("removed tmp files left by a failed landing",
                    extra={"files": [str(p) for p in removed]})


def drain(**kwargs) -> int:
    """Relay until both passes are caught up; returns the total relayed."""
    total = 0
    while True:
        n = relay_once(**kwargs)
        total += n
        if n == 0:
            return total
