"""The sandbox providers' own tables.

A real provider keeps its records after our process dies and calls back (or answers a
status query) later; keeping the sandboxes' records in tables gives them the same
durability. Only the sandbox channels and the sandbox provider routes touch these tables;
our side learns about them by signed callback, lookup or statement, never by reading here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow


class SandboxCharge(Base):
    """The sandbox channel's side of a payment (confirmed by callback after a delay)."""

    __tablename__ = "sandbox_charges"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(String(36), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    outcome: Mapped[str] = mapped_column(String(16))  # succeeded | failed
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # provider's event time
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # wall clock
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class SandboxCardSession(Base):
    """A hosted card page: the provider keeps a token and the last four digits only."""

    __tablename__ = "sandbox_card_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(String(36), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # awaiting_card | awaiting_challenge | captured | failed | void
    status: Mapped[str] = mapped_column(String(24))
    card_token: Mapped[str | None] = mapped_column(String(64))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    failure_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # wall clock
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SandboxBankTransfer(Base):
    """An expected transfer: the sandbox bank sees it arrive (or not) hours later."""

    __tablename__ = "sandbox_bank_transfers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(String(36), unique=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    outcome: Mapped[str] = mapped_column(String(16))  # succeeded | failed (never arrives)
    status: Mapped[str] = mapped_column(String(16), default="awaiting")  # awaiting | void
    pay_by: Mapped[datetime] = mapped_column(UTCDateTime)  # shop clock
    confirms_at: Mapped[datetime] = mapped_column(UTCDateTime)  # shop clock
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SandboxProviderCallback(Base):
    """Callbacks the card and bank sandboxes owe us, posted when due (like a provider's
    webhook queue); the callback ledger on our side dedupes a double delivery."""

    __tablename__ = "sandbox_provider_callbacks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    payment_id: Mapped[str] = mapped_column(String(36), index=True)
    provider_event_id: Mapped[str] = mapped_column(String(128), unique=True)
    body: Mapped[str] = mapped_column(Text)
    # Card callbacks are due at once (wall clock); a transfer hours later on the shop clock.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class SandboxLedgerEntry(Base):
    """The sandboxes' own books: what their daily statements list."""

    __tablename__ = "sandbox_ledger_entries"
    __table_args__ = (Index("ix_sandbox_ledger_channel_time", "channel", "occurred_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # captured | refunded
    payment_id: Mapped[str] = mapped_column(String(36), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    provider_reference: Mapped[str] = mapped_column(String(128), unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SandboxStatementFault(Base):
    """Planted by an operator (tests, the demo): a statement drops, alters or invents an
    entry for one day, so reconciliation has something to find."""

    __tablename__ = "sandbox_statement_faults"
    __table_args__ = (Index("ix_sandbox_faults_channel_day", "channel", "day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(8))  # drop | alter | add
    provider_reference: Mapped[str | None] = mapped_column(String(128))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
