"""Member accounts, the growth and points ledgers, and the consumer's outbox cursor.

Every ledger row carries a unique source_key (the source event's id, or the spend's
idempotency key, or the expired lot), so applying the same source twice inserts nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, utcnow


class MemberAccount(Base):
    """One per member, created on first earning. points_balance is the ledger's sum (kept
    here so a spend locks one row and reads one number); points_debt is what a refund
    could not take back because the points were already spent (settled from later earnings)."""

    __tablename__ = "member_accounts"
    __table_args__ = (
        CheckConstraint("points_balance >= 0", name="ck_member_points_balance_nonneg"),
        CheckConstraint("points_debt >= 0", name="ck_member_points_debt_nonneg"))
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(32))
    level_since: Mapped[datetime] = mapped_column(UTCDateTime)
    points_balance: Mapped[int] = mapped_column(BigInteger, default=0)
    points_debt: Mapped[int] = mapped_column(BigInteger, default=0)
    points_entries: Mapped[int] = mapped_column(BigInteger, default=0)  # the last entry's seq
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the member's birthday (the birthday rule); set once by the member, when it was set
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_date_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GrowthEntry(Base):
    __tablename__ = "member_growth_entries"
    __table_args__ = (Index("ix_member_growth_user_at", "user_id", "occurred_at"),
                      Index("ix_member_growth_order", "order_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("member_accounts.user_id"))
    source: Mapped[str] = mapped_column(String(16))  # order_paid, refund, review, adjustment
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    order_id: Mapped[str | None] = mapped_column(String(36))
    review_id: Mapped[str | None] = mapped_column(String(64))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)  # paid or refunded money
    growth: Mapped[int] = mapped_column(BigInteger)  # signed
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PointsEntry(Base):
    """A signed change to a points balance. Positive entries are lots: remaining is what
    is left of them (consumed oldest first by spends, reversals and expiry)."""

    __tablename__ = "member_points_entries"
    __table_args__ = (Index("ix_member_points_user_id", "user_id", "id"),
                      Index("ix_member_points_lots", "remaining", "expires_at"),
                      Index("ix_member_points_order", "order_id"),
                      CheckConstraint("balance_after >= 0 AND remaining >= 0",
                                      name="ck_member_points_nonneg"),
                      UniqueConstraint("user_id", "seq", name="uq_member_points_user_seq"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("member_accounts.user_id"))
    seq: Mapped[int] = mapped_column(BigInteger)  # 1, 2, ... per member
    # earn, spend, reverse, expire, adjust, debt_settled
    kind: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    points: Mapped[int] = mapped_column(BigInteger)  # signed
    balance_after: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger, default=0)
    # a reversal's points that were already spent: added to the account's points_debt
    owed: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(String(200))
    order_id: Mapped[str | None] = mapped_column(String(36))
    review_id: Mapped[str | None] = mapped_column(String(64))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    # the request that made a spend, so a replayed Idempotency-Key can be told apart
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MemberCursor(Base):
    """Named progress markers: the outbox consumer's last id, the last period end run."""

    __tablename__ = "member_cursors"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MemberActivity(Base):
    """One rewarded-or-not activity: a day's first sign-in (key: the UTC date), a share
    (key: the request's key), a year's birthday (key: the year). The unique (user, kind,
    key) makes every rule idempotent; streak is the consecutive sign-in days so far."""

    __tablename__ = "member_activities"
    __table_args__ = (UniqueConstraint("user_id", "kind", "key", name="uq_member_activity"),
                      Index("ix_member_activity_user_day", "user_id", "kind", "activity_date"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("member_accounts.user_id"))
    kind: Mapped[str] = mapped_column(String(16))  # sign_in, share, birthday
    key: Mapped[str] = mapped_column(String(120))
    activity_date: Mapped[date] = mapped_column(Date)
    streak: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[str | None] = mapped_column(String(36))
    channel: Mapped[str | None] = mapped_column(String(24))
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    growth: Mapped[int] = mapped_column(BigInteger, default=0)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
