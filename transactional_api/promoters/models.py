"""Promoters, buyer bindings, commission rules, commissions, the ledger, withdrawals and the
consumer's cursor.

The ledger moves money between a promoter's buckets (pending, held, withdrawable, requested,
paid); each entry names the bucket it leaves (NULL: new money) and the one it enters (NULL:
money gone, a reversal). The balance columns on the promoter are the entries' sums, kept
there so a withdrawal locks one row and reads one number. Every entry carries a unique
source_key, so applying the same source twice inserts nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

APPLIED, APPROVED, REJECTED = "applied", "approved", "rejected"
BUCKETS = ("pending", "held", "withdrawable", "requested", "paid")
# commission states: where its money sits now (reversed: all of it given back)
PENDING, HELD, WITHDRAWABLE, REVERSED = "pending", "held", "withdrawable", "reversed"
W_REQUESTED, W_APPROVED, W_REJECTED, W_PAID = "requested", "approved", "rejected", "paid"


class Promoter(Base):
    __tablename__ = "promoters"
    __table_args__ = (
        CheckConstraint("status IN ('applied', 'approved', 'rejected')",
                        name="ck_promoters_status"),
        CheckConstraint("status <> 'approved' OR code IS NOT NULL", name="ck_promoters_code"),
        CheckConstraint("pending_cents >= 0 AND held_cents >= 0 AND requested_cents >= 0 "
                        "AND paid_cents >= 0", name="ck_promoters_balances"),
        Index("ix_promoters_parent", "parent_id"),
        Index("ix_promoters_status", "status", "applied_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"), unique=True)
    status: Mapped[str] = mapped_column(String(8), default=APPLIED)
    code: Mapped[str | None] = mapped_column(String(16), unique=True)
    parent_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("promoters.id"))
    # keyed hash of the device the application came from (risk's fingerprint)
    device_fp: Mapped[str | None] = mapped_column(String(32))
    pitch: Mapped[str] = mapped_column(String(500), default="")
    decision_reason: Mapped[str | None] = mapped_column(String(200))
    decided_by: Mapped[str | None] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3))
    pending_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    held_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # may go below 0 only when a matured commission is reversed after it was withdrawn:
    # a debt later commissions settle before anything more can be withdrawn
    withdrawable_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    requested_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Binding(Base):
    """The promoter a buyer is bound to now (one row per buyer; rebinding moves it)."""

    __tablename__ = "promoter_bindings"
    __table_args__ = (Index("ix_promoter_bindings_promoter", "promoter_id", "bound_at"),)
    buyer_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"), primary_key=True)
    promoter_id: Mapped[str] = mapped_column(String(36), ForeignKey("promoters.id"))
    bound_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_bound_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # why commissions on this buyer's orders are held (None: clean)
    risk_reason: Mapped[str | None] = mapped_column(String(32))
    device_fp: Mapped[str | None] = mapped_column(String(32))


class CommissionRule(Base):
    """Rates for one product, category or merchant; the most specific match wins."""

    __tablename__ = "promoter_commission_rules"
    __table_args__ = (
        UniqueConstraint("scope_kind", "scope_id", name="uq_promoter_rules_scope"),
        CheckConstraint("scope_kind IN ('product', 'category', 'merchant')",
                        name="ck_promoter_rules_scope"),
        CheckConstraint("level1_bp >= 0 AND level1_bp <= 5000 AND level2_bp >= 0 "
                        "AND level2_bp <= 5000", name="ck_promoter_rules_rates"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scope_kind: Mapped[str] = mapped_column(String(8))
    scope_id: Mapped[str] = mapped_column(String(36))
    level1_bp: Mapped[int] = mapped_column(Integer)
    level2_bp: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Commission(Base):
    """One promoter's commission on one paid order at one level."""

    __tablename__ = "promoter_commissions"
    __table_args__ = (
        UniqueConstraint("order_id", "level", name="uq_promoter_commissions_order_level"),
        CheckConstraint("level IN (1, 2)", name="ck_promoter_commissions_level"),
        CheckConstraint("state IN ('pending', 'held', 'withdrawable', 'reversed')",
                        name="ck_promoter_commissions_state"),
        CheckConstraint("amount_cents >= 0 AND reversed_cents >= 0 AND "
                        "reversed_cents <= amount_cents", name="ck_promoter_commissions_amounts"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= paid_cents",
                        name="ck_promoter_commissions_refunded"),
        Index("ix_promoter_commissions_promoter", "promoter_id", "state"),
        Index("ix_promoter_commissions_due", "state", "matures_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    promoter_id: Mapped[str] = mapped_column(String(36), ForeignKey("promoters.id"))
    order_id: Mapped[str] = mapped_column(String(36), index=True)
    buyer_id: Mapped[str] = mapped_column(String(36))
    level: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    hold_reason: Mapped[str | None] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    paid_cents: Mapped[int] = mapped_column(BigInteger)  # the money the order was paid with
    base_cents: Mapped[int] = mapped_column(BigInteger)  # the commissionable goods' value
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    reversed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    accrued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    matures_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set on completion
    matured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    __tablename__ = "promoter_ledger_entries"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="ck_promoter_ledger_amount"),
        CheckConstraint("from_bucket IS NOT NULL OR to_bucket IS NOT NULL",
                        name="ck_promoter_ledger_move"),
        CheckConstraint("kind IN ('accrue', 'hold', 'release', 'reverse', 'mature', "
                        "'request', 'reject', 'pay')", name="ck_promoter_ledger_kind"),
        Index("ix_promoter_ledger_promoter", "promoter_id", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    promoter_id: Mapped[str] = mapped_column(String(36), ForeignKey("promoters.id"))
    source_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    from_bucket: Mapped[str | None] = mapped_column(String(12))
    to_bucket: Mapped[str | None] = mapped_column(String(12))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    commission_id: Mapped[str | None] = mapped_column(String(36))
    withdrawal_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Withdrawal(Base):
    __tablename__ = "promoter_withdrawals"
    __table_args__ = (
        CheckConstraint("status IN ('requested', 'approved', 'rejected', 'paid')",
                        name="ck_promoter_withdrawals_status"),
        CheckConstraint("amount_cents > 0", name="ck_promoter_withdrawals_amount"),
        CheckConstraint("channel IN ('manual')", name="ck_promoter_withdrawals_channel"),
        CheckConstraint("status <> 'paid' OR payout_reference IS NOT NULL",
                        name="ck_promoter_withdrawals_paid"),
        Index("ix_promoter_withdrawals_status", "status", "requested_at"),
        Index("ix_promoter_withdrawals_promoter", "promoter_id", "requested_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    promoter_id: Mapped[str] = mapped_column(String(36), ForeignKey("promoters.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(9), default=W_REQUESTED)
    channel: Mapped[str] = mapped_column(String(8), default="manual")
    reason: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[str | None] = mapped_column(String(36))
    payout_reference: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsumedEvent(Base):
    """Outbox events the consumer has applied (re-reading one changes nothing)."""

    __tablename__ = "promoter_consumed_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Cursor(Base):
    __tablename__ = "promoter_cursors"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
