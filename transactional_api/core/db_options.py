"""How the API talks to a PostgreSQL server: pool size and the server-side timeouts.

A plain dataclass so that core.db need not import the settings (config imports this).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DbOptions:
    pool_size: int = 10
    max_overflow: int = 5
    pool_timeout_seconds: float = 5.0
    statement_timeout_ms: int = 15_000
    lock_timeout_ms: int = 5_000
    idle_in_transaction_timeout_ms: int = 60_000

    def postgres_options(self) -> str:
        """libpq's ``options``: the session settings every pooled connection starts with."""
        return " ".join(
            f"-c {name}={value}" for name, value in (
                ("statement_timeout", self.statement_timeout_ms),
                ("lock_timeout", self.lock_timeout_ms),
                ("idle_in_transaction_session_timeout", self.idle_in_transaction_timeout_ms))
            if value)
