"""search_performed events: buffered in the process, written to the outbox in batches.

A search is a read. Writing its event inline would turn every search into a write
transaction, and SQLite has one writer: searches would queue behind orders and each other.
So the request only appends to a bounded in-memory buffer and a Periodic writes the
buffer to the outbox in one transaction every FLUSH_SECONDS (then the relay lands them as
usual). What this costs: on a crash (kill -9, power loss) the events of the last
FLUSH_SECONDS are lost, and when the database cannot take them for long enough to fill
CAPACITY, the newest are dropped and counted in the log. A clean shutdown flushes.
Analytics tolerate that; order and money events never go this way.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core.background import Periodic
from transactional_api.core.db import transaction
from transactional_api.events import outbox

log = logging.getLogger("flywheel.search.events")

FLUSH_SECONDS = 0.5
CAPACITY = 10_000


class SearchEventBuffer:
    def __init__(self, *, sessions: sessionmaker[Session], capacity: int = CAPACITY):
        self.sessions, self.capacity = sessions, capacity
        self._events: list = []
        self._lock = threading.Lock()
        self.dropped = 0

    def add(self, event) -> None:
        with self._lock:
            if len(self._events) < self.capacity:
                self._events.append(event)
                return
            self.dropped += 1
        if self.dropped % 1000 == 1:
            log.warning("search event buffer full; dropping", extra={"dropped": self.dropped})

    def flush(self) -> int:
        with self._lock:
            batch, self._events = self._events, []
        if not batch:
            return 0
        try:
            with transaction(self.sessions) as s:
                outbox.emit_many(session=s, events=batch)
        except Exception:
            with self._lock:  # keep them for the next round, within the bound
                room = max(0, self.capacity - len(self._events))
                self.dropped += max(0, len(batch) - room)
                self._events = batch[:room] + self._events
            raise
        return len(batch)


class FlushOnStop(Periodic):
    """A Periodic that runs once more when stopped: a clean shutdown loses no event."""

    def stop(self, timeout: float = 10.0) -> None:
        super().stop(timeout)
        try:
            self.fn()
        except Exception:
            log.exception("final search event flush failed")
