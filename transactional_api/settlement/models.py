"""Settlement: commission rates, the per-sub-order accrual, the double-entry ledger,
statements and payouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

# Ledger accounts. Amounts are signed: what the account holder is owed is positive, so the
# channel clearing account holds minus what the payment channels hold and every entry set
# sums to zero.
MERCHANT_PAYABLE = "merchant_payable"
MERCHANT_DEPOSIT = "merchant_deposit"
PLATFORM_REVENUE = "platform_revenue"
PLATFORM_DISCOUNTS = "platform_discounts"
CHANNEL_CLEARING = "channel_clearing"
DEPOSIT_CLEARING = "deposit_clearing"
PAYOUT_CLEARING = "payout_clearing"
ACCOUNTS = (MERCHANT_PAYABLE, MERCHANT_DEPOSIT, PLATFORM_REVENUE, PLATFORM_DISCOUNTS,
            CHANNEL_CLEARING, DEPOSIT_CLEARING, PAYOUT_CLEARING)
CYCLES = ("t_plus_1", "weekly", "monthly")


class CommissionRate(Base):
    """A rate for a scope: (merchant, category), (merchant, any), (any, category) or
    (any, any), most specific first. scope_key makes the scope unique (NULLs never collide)."""

    __tablename__ = "settlement_commission_rates"
    __table_args__ = (
        CheckConstraint("rate_bps >= 0 AND rate_bps <= 10000 AND fee_bps >= 0 "
                        "AND fee_bps <= 10000 AND fee_fixed_cents >= 0",
                        name="ck_settlement_commission_rates_range"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scope_key: Mapped[str] = mapped_column(String(80), unique=True)
    merchant_id: Mapped[str | None] = mapped_column(String(36))
    category_id: Mapped[str | None] = mapped_column(String(36))
    rate_bps: Mapped[int] = mapped_column(Integer)
    fee_fixed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_bps: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MerchantTerms(Base):
    """The merchant's settlement cycle (absent: the default from settings)."""

    __tablename__ = "settlement_merchant_terms"
    __table_args__ = (CheckConstraint("cycle IN ('t_plus_1', 'weekly', 'monthly')",
                                      name="ck_settlement_merchant_terms_cycle"),)
    merchant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cycle: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SettledSubOrder(Base):
    """One paid sub-order's accrual: its figures as booked, what refunds reversed since,
    and the statement that settled it (None: pending)."""

    __tablename__ = "settlement_sub_orders"
    __table_args__ = (
        Index("ix_settlement_sub_orders_due", "merchant_id", "completed_at"),
        Index("ix_settlement_sub_orders_order", "order_id"),
    )
    sub_order_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(36))
    merchant_id: Mapped[str] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3))
    total_cents: Mapped[int] = mapped_column(BigInteger)  # what the shopper paid in money
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    merchant_discount_cents: Mapped[int] = mapped_column(BigInteger)
    platform_discount_cents: Mapped[int] = mapped_column(BigInteger)
    commission_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    # gross - merchant discount - commission - fee: the merchant's accrual
    net_cents: Mapped[int] = mapped_column(BigInteger)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    goods_reversed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    commission_reversed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_reversed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # when the sub-order completed (or was cancelled): its after-sales window starts here
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    statement_id: Mapped[str | None] = mapped_column(String(36))
    accrued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    batch_id: Mapped[str] = mapped_column(String(36), index=True)


class LedgerEntry(Base):
    """One leg. Accrual legs carry sub_order_id and no source_key (their sub-order row is
    their idempotency); every other leg has a source_key unique per (account, kind)."""

    __tablename__ = "settlement_entries"
    __table_args__ = (
        UniqueConstraint("source_key", "account", "kind", name="uq_settlement_entries_source"),
        Index("ix_settlement_entries_account", "account", "merchant_id", "statement_id"),
        Index("ix_settlement_entries_statement", "statement_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(24))
    merchant_id: Mapped[str | None] = mapped_column(String(36))
    sub_order_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(24))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    statement_id: Mapped[str | None] = mapped_column(String(36))
    source_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Statement(Base):
    __tablename__ = "settlement_statements"
    __table_args__ = (
        UniqueConstraint("merchant_id", "period_key", "currency",
                         name="uq_settlement_statements_period"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    merchant_id: Mapped[str] = mapped_column(String(36), index=True)
    cycle: Mapped[str] = mapped_column(String(16))
    period_key: Mapped[str] = mapped_column(String(24))
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    currency: Mapped[str] = mapped_column(String(3))
    sub_order_count: Mapped[int] = mapped_column(Integer)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    commission_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    merchant_discount_cents: Mapped[int] = mapped_column(BigInteger)
    refunds_cents: Mapped[int] = mapped_column(BigInteger)  # net of commission given back
    adjustments_cents: Mapped[int] = mapped_column(BigInteger)
    opening_cents: Mapped[int] = mapped_column(BigInteger)  # unpaid balance carried in
    deposit_deducted_cents: Mapped[int] = mapped_column(BigInteger)
    net_payable_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payout(Base):
    __tablename__ = "settlement_payouts"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="ck_settlement_payouts_amount_pos"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')",
                        name="ck_settlement_payouts_status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    merchant_id: Mapped[str] = mapped_column(String(36), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    channel_reference: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SandboxPayout(Base):
    """The sandbox payout provider's own book: one row per idempotency key it accepted."""

    __tablename__ = "settlement_sandbox_payouts"
    idempotency_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(36))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
