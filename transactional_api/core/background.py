"""Periodic jobs inside the API process: the outbox relay and the unpaid-order sweeper."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("flywheel.background")


class Periodic:
    """Runs fn every interval seconds on a daemon thread until stopped; errors are logged."""

    def __init__(self, name: str, interval: float, fn: Callable[[], object]):
        self.name, self.interval, self.fn = name, interval, fn
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> Periodic:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.fn()
            except Exception:
                log.exception("periodic job failed", extra={"job": self.name})
