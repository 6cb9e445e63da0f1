"""The search domain's background jobs in each API process: the event flusher and the
document sync. Started by the app's lifespan beside the relay and the sweepers."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core.background import Periodic
from transactional_api.search import events, sync


def start(*, app_state, sessions: sessionmaker[Session],
          read_sessions: sessionmaker[Session]) -> list[Periodic]:
    """Starts both jobs; the router finds the event buffer at app_state.search_events."""
    buffer = events.SearchEventBuffer(sessions=sessions)
    app_state.search_events = buffer
    syncer = sync.SearchSync(sessions=sessions, read_sessions=read_sessions)
    return [events.FlushOnStop("search-events", events.FLUSH_SECONDS, buffer.flush).start(),
            Periodic("search-sync", sync.INTERVAL_SECONDS, syncer.run_once).start()]
