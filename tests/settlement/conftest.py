"""A migrated SQLite database with bulk-made paid, completed sub-orders (settlement/seed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from transactional_api.config import Settings
from transactional_api.core.db import make_engine, new_id, transaction
from transactional_api.migrations import upgrade

JAN = datetime(2025, 1, 1, tzinfo=UTC)


class Book:
    def __init__(self, tmp_path):
        self.settings = Settings(var_dir=tmp_path, settlement_window_days=30,
                                 settlement_default_cycle="monthly")
        upgrade(self.settings.resolved_database_url)
        self.engine = make_engine(self.settings.resolved_database_url,
                                  self.settings.db_options)
        self.sessions = sessionmaker(self.engine)

    def refund(self, order_id: str, cents: int) -> None:
        """What payments.refunds.refund leaves behind: a refund row and the payment's total."""
        with transaction(self.sessions) as s:
            s.execute(text("UPDATE payments SET refunded_cents = refunded_cents + :c "
                           "WHERE order_id = :o"), {"c": cents, "o": order_id})
            s.execute(text(
                "INSERT INTO payment_refunds (id, order_id, amount_cents, currency, reason, "
                "reference, status, created_at) VALUES (:id, :o, :c, 'USD', 'test', :id, "
                "'succeeded', '2025-01-01 00:00:00.000000')"), {"id": new_id(), "o": order_id,
                                                                 "c": cents})

    def scalar(self, sql: str, **params):
        with transaction(self.sessions) as s:
            return s.execute(text(sql), params).scalar()


@pytest.fixture
def book(tmp_path):
    b = Book(tmp_path)
    yield b
    b.engine.dispose()
