"""Request-scoped "now": real UTC time, or the simulator's clock when explicitly enabled."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

_override: ContextVar[datetime | None] = ContextVar("flywheel_clock", default=None)


def now() -> datetime:
    return _override.get() or datetime.now(UTC)


def set_override(value: datetime | None):
    return _override.set(value)


def reset(token) -> None:
    _override.reset(token)


def real_now() -> datetime:
    """Wall-clock time, for security decisions (token expiry) that a simulation must not bend."""
    return datetime.now(UTC)
