"""Our side of payments: attempts, the provider notifications, the per-payment transaction
ledger, refunds, wallets and reconciliation findings. The sandbox providers' own tables
are in provider_models.py (imported here so the metadata sees them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow
from transactional_api.payments.provider_models import (  # noqa: F401 (registers tables)
    SandboxBankTransfer,
    SandboxCardSession,
    SandboxCharge,
    SandboxLedgerEntry,
    SandboxProviderCallback,
    SandboxStatementFault,
)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("order_id", "idempotency_key", name="uq_payments_idem"),
        # Refunds never exceed what was captured, whatever the code above does. (SQLite
        # databases migrated in place enforce it by trigger: see migration 0009.)
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= captured_cents",
                        name="ck_payments_refunds_within_capture"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    # When the channel took the money: set for succeeded and refund_due payments.
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    captured_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # From the card provider's signed callback: a token and the last four digits, no more.
    card_token: Mapped[str | None] = mapped_column(String(64))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    provider_reference: Mapped[str | None] = mapped_column(String(64))
    next_action: Mapped[dict | None] = mapped_column(JSON)
    # Wall-clock time it became refund_due: the refund sweeper waits a grace period.
    refund_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PaymentEvent(Base):
    """Ledger of provider notifications; the unique provider_event_id makes replays no-ops."""

    __tablename__ = "payment_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    provider_event_id: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(32))
    raw: Mapped[str] = mapped_column(Text)


class PaymentTransaction(Base):
    """Append-only money movements of a payment: captured minus refunded is what we hold."""

    __tablename__ = "payment_transactions"
    __table_args__ = (
        CheckConstraint("kind IN ('authorized', 'captured', 'refunded', 'failed')",
                        name="ck_payment_transactions_kind"),
        CheckConstraint("amount_cents >= 0", name="ck_payment_transactions_amount_nonneg"),
        UniqueConstraint("payment_id", "kind", "provider_reference",
                         name="uq_payment_transactions_ref"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    provider_reference: Mapped[str | None] = mapped_column(String(128))
    refund_id: Mapped[str | None] = mapped_column(String(36), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Refund(Base):
    """One refund call. Its money movements (one per payment it drew on) are the
    payment_transactions rows of kind refunded carrying its id."""

    __tablename__ = "payment_refunds"
    __table_args__ = (
        UniqueConstraint("order_id", "reference", name="uq_payment_refunds_reference"),
        CheckConstraint("amount_cents > 0", name="ck_payment_refunds_amount_pos"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(200))
    # The caller's idempotency reference: repeating it returns this refund.
    reference: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="succeeded")
    actor_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WalletAccount(Base):
    __tablename__ = "wallet_accounts"
    __table_args__ = (CheckConstraint("balance_cents >= 0", name="ck_wallet_balance_nonneg"),)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    balance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WalletEntry(Base):
    """Append-only: the balance is the sum of credits minus debits."""

    __tablename__ = "wallet_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "reference", name="uq_wallet_entries_reference"),
        CheckConstraint("kind IN ('credit', 'debit')", name="ck_wallet_entries_kind"),
        CheckConstraint("amount_cents > 0", name="ck_wallet_entries_amount_pos"),
        CheckConstraint("balance_after_cents >= 0", name="ck_wallet_entries_balance_nonneg"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("wallet_accounts.user_id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    balance_after_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(16))  # top_up | payment | refund
    payment_id: Mapped[str | None] = mapped_column(String(36), index=True)
    refund_id: Mapped[str | None] = mapped_column(String(36))
    reference: Mapped[str | None] = mapped_column(String(128))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ReconciliationRun(Base):
    """The latest reconciliation of one day (a re-run replaces it and its findings)."""

    __tablename__ = "payment_reconciliation_runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    day: Mapped[date] = mapped_column(Date, unique=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # per channel: {"ledger_entries": n, "statement_entries": n, "mismatches": n}
    summary: Mapped[dict] = mapped_column(JSON, default=dict)


class ReconciliationMismatch(Base):
    __tablename__ = "payment_reconciliation_mismatches"
    __table_args__ = (
        CheckConstraint("kind IN ('missing_in_statement', 'missing_in_ledger', "
                        "'amount_differs')", name="ck_reconciliation_mismatch_kind"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(
        ForeignKey("payment_reconciliation_runs.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    transaction_kind: Mapped[str] = mapped_column(String(16))  # captured | refunded
    payment_id: Mapped[str | None] = mapped_column(String(36))
    provider_reference: Mapped[str] = mapped_column(String(128))
    ledger_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    statement_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
