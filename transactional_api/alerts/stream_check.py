"""Real-time check on the relay's Redis stream: a payment-failure spike within minutes.

Payment attempts (payment_started) and failures (payment_failed) are counted over a sliding
window of event time (occurred_at, so a replayed or simulated history is judged by when its
payments happened, not when they were relayed). A spike is a window with at least
min_failures failures whose failure rate, failures / attempts, exceeds max_failure_rate;
a failure of an attempt started before the window counts as an attempt too, so the rate
never passes 1.

Two ways to run it: `watch` follows the stream for as long as it runs (`flywheel alerts
watch`), and `check_recent` reads the last minutes of the stream once (a Dagster sensor, the
demo, `flywheel alerts check`). Either way a spike becomes one alert per episode: once it
fires, the window stays quiet for one window length, and the service treats a spike whose
window overlaps an alert already raised as that alert.
"""

from __future__ import annotations

import bisect
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.alerts import service
from transactional_api.alerts.models import Alert
from transactional_api.core.db import transaction

log = logging.getLogger("flywheel.alerts.stream")
ATTEMPT, FAILURE = "payment_started", "payment_failed"
PAGE = 1000


@dataclass(frozen=True)
class SpikeRule:
    window_seconds: float = 300.0
    max_failure_rate: float = 0.5
    min_failures: int = 5

    def __post_init__(self) -> None:
        if self.window_seconds <= 0:
            raise ValueError("window_seconds must be positive")
        if not 0 <= self.max_failure_rate < 1:
            raise ValueError("max_failure_rate must be in [0, 1)")
        if self.min_failures < 1:
            raise ValueError("min_failures must be at least 1")

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)


@dataclass(frozen=True)
class Spike:
    window_start: datetime
    window_end: datetime
    failures: int
    attempts: int
    rule: SpikeRule

    @property
    def rate(self) -> float:
        return self.failures / self.attempts

    def finding(self) -> service.Finding:
        seconds = self.rule.window_seconds
        bucket = datetime.fromtimestamp(
            self.window_end.timestamp() // seconds * seconds, UTC)
        return service.Finding(
            kind="payment_failure_spike", source="stream", metric="payment_failure_rate",
            direction="above", dedupe_key=f"payment_failure_spike:{bucket.isoformat()}",
            window_start=self.window_start, window_end=self.window_end, value=self.rate,
            upper_bound=self.rule.max_failure_rate, failures=self.failures,
            attempts=self.attempts,
            message=(f"{self.failures} of {self.attempts} payment attempts failed within "
                     f"{seconds / 60:g} min ({self.rate:.0%}; alert above "
                     f"{self.rule.max_failure_rate:.0%})"))


class FailureWindow:
    """Attempts and failures of the last window of event time, newest event as its end."""

    def __init__(self, rule: SpikeRule):
        self.rule = rule
        self._events: list[tuple[datetime, str, str]] = []  # (occurred_at, event_id, type)
        self._ids: set[str] = set()
        self._counts = {ATTEMPT: 0, FAILURE: 0}
        self._quiet_until: datetime | None = None

    def add(self, record: dict[str, Any]) -> Spike | None:
        """Take one contract record; the spike it completes, if any. Other event types,
        duplicates (at-least-once delivery) and events already older than the window are
        ignored."""
        kind, event_id = record.get("event_type"), record.get("event_id")
        if kind not in self._counts or not isinstance(event_id, str) or event_id in self._ids:
            return None
        at = _occurred_at(record)
        if at is None or (self._events and at < self._events[-1][0] - self.rule.window):
            return None
        bisect.insort(self._events, (at, event_id, kind))
        self._ids.add(event_id)
        self._counts[kind] += 1
        end = self._events[-1][0]
        while self._events[0][0] < end - self.rule.window:
            _, old_id, old_kind = self._events.pop(0)
            self._ids.discard(old_id)
            self._counts[old_kind] -= 1
        return self._spike(end) if kind == FAILURE else None

    def _spike(self, end: datetime) -> Spike | None:
        failures = self._counts[FAILURE]
        attempts = max(self._counts[ATTEMPT], failures)
        if failures < self.rule.min_failures or failures / attempts <= self.rule.max_failure_rate:
            return None
        if self._quiet_until is not None and end < self._quiet_until:
            return None  # the episode already fired
        self._quiet_until = end + self.rule.window
        return Spike(end - self.rule.window, end, failures, attempts, self.rule)


def _occurred_at(record: dict[str, Any]) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(record["occurred_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)


def _records(entries: Iterable[tuple[Any, dict]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(stream id, contract record) of the relay's entries; unreadable ones are skipped."""
    for entry_id, fields in entries:
        entry_id = _entry_id(entry_id)
        raw = fields.get("record", fields.get(b"record"))
        try:
            record = json.loads(raw)
        except (TypeError, ValueError):
            log.warning("unreadable stream entry skipped", extra={"entry_id": entry_id})
            continue
        if isinstance(record, dict):
            yield entry_id, record


def _entry_id(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _redis_now_ms(client: redis.Redis) -> int:
    # Stream ids carry the Redis server's clock: measure "the last minutes" by it too.
    seconds, micros = client.time()
    return int(seconds) * 1000 + int(micros) // 1000


def check_recent(*, client: redis.Redis, stream: str, rule: SpikeRule,
                 lookback_seconds: float | None = None) -> list[Spike]:
    """Spikes among the entries relayed in the last lookback_seconds (default: two
    windows), read once."""
    lookback = lookback_seconds if lookback_seconds is not None else 2 * rule.window_seconds
    start = f"{max(0, _redis_now_ms(client) - int(lookback * 1000))}-0"
    window, spikes = FailureWindow(rule), []
    while True:
        entries = client.xrange(stream, min=start, max="+", count=PAGE)
        for _, record in _records(entries):
            spike = window.add(record)
            if spike is not None:
                spikes.append(spike)
        if len(entries) < PAGE:
            return spikes
        start = f"({_entry_id(entries[-1][0])}"  # exclusive: the next page after it


def raise_spikes(*, sessions: sessionmaker[Session], spikes: Iterable[Spike]) -> list[Alert]:
    """Raise each spike (idempotent); returns the alerts this call created."""
    created = []
    for spike in spikes:
        with transaction(sessions) as session:
            alert, new = service.raise_window_alert(session=session, finding=spike.finding())
        if new:
            created.append(alert)
    return created


def check_and_raise(*, sessions: sessionmaker[Session], client: redis.Redis, stream: str,
                    rule: SpikeRule, lookback_seconds: float | None = None) -> list[Alert]:
    """The one-shot check: read the last minutes of the stream, raise what it finds."""
    spikes = check_recent(client=client, stream=stream, rule=rule,
                          lookback_seconds=lookback_seconds)
    return raise_spikes(sessions=sessions, spikes=spikes)


def watch(*, sessions: sessionmaker[Session], client: redis.Redis, stream: str,
          rule: SpikeRule, stop: threading.Event | None = None, block_ms: int = 1000,
          on_alert: Callable[[Alert], None] | None = None) -> None:
    """Follow the stream until stop is set, starting one window back so a spike already
    under way is seen whole."""
    stop = stop or threading.Event()
    last_id = f"{max(0, _redis_now_ms(client) - int(rule.window_seconds * 1000))}-0"
    window = FailureWindow(rule)
    while not stop.is_set():
        reply = client.xread({stream: last_id}, count=PAGE, block=block_ms)
        for _, entries in reply or []:
            for _, record in _records(entries):
                spike = window.add(record)
                if spike is None:
                    continue
                for alert in raise_spikes(sessions=sessions, spikes=[spike]):
                    if on_alert is not None:
                        on_alert(alert)
            if entries:
                last_id = _entry_id(entries[-1][0])
