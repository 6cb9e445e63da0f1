"""argon2 password hashing, bounded per process.

Each hash costs tens of milliseconds of a core on purpose. Unbounded, a login flood runs
one per worker thread and every other shopper waits behind them; here at most N hash at
once (FLYWHEEL_PASSWORD_HASH_CONCURRENCY), later ones wait on the event loop without
holding a thread, and past a short queue the caller is told to come back (503).
"""

from __future__ import annotations

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from transactional_api.core.errors import DomainError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both paths cost one argon2 hash.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class HashingBusy(DomainError):
    status_code = 503
    code = "busy"
    headers = {"Retry-After": "1"}


def hash_now(password: str) -> str:
    """Synchronous, for start-up work outside any request."""
    return _hasher.hash(password)


def _matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, InvalidHashError):
        return False


class PasswordHashing:
    def __init__(self, *, concurrency: int, max_waiting: int = 64):
        self._concurrency = concurrency
        self._max_waiting = max_waiting
        self._limiter: anyio.CapacityLimiter | None = None

    async def _run(self, fn, *args):
        if self._limiter is None:  # created on the serving event loop
            self._limiter = anyio.CapacityLimiter(self._concurrency)
        if self._limiter.statistics().tasks_waiting >= self._max_waiting:
            raise HashingBusy("too many sign-ins at once; retry in a moment")
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)

    async def hash(self, password: str) -> str:
        return await self._run(_hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """False for a wrong password or no account (password_hash None), at equal cost."""
        return await self._run(_matches, password_hash, password)
