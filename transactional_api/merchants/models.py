"""Applications, the lifecycle log, deposits and staff roles (the merchant itself is
catalog's ``merchants`` row; its status is moved only through catalog.set_merchant_status)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

APPLICATION_STATUSES = ("submitted", "info_requested", "approved", "rejected")
MERCHANT_STATUSES = ("pending_deposit", "active", "suspended", "closed")
SETTLEMENT_CYCLES = ("t_plus_1", "weekly", "monthly")
STAFF_ROLES = ("owner", "catalog", "orders", "finance")


class MerchantApplication(Base):
    __tablename__ = "merchant_applications"
    __table_args__ = (
        CheckConstraint("status IN ('submitted', 'info_requested', 'approved', 'rejected')",
                        name="ck_merchant_applications_status"),
        CheckConstraint("settlement_cycle IN ('t_plus_1', 'weekly', 'monthly')",
                        name="ck_merchant_applications_cycle"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    company_name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120))
    legal_id: Mapped[str] = mapped_column(String(64))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(16))
    city: Mapped[str | None] = mapped_column(String(120))
    # [{"category_id": ..., "document_ref": ...}]
    qualifications: Mapped[list] = mapped_column(JSON)
    account_holder: Mapped[str] = mapped_column(String(200))
    # Only the last 4 characters of the account number are ever stored.
    account_masked: Mapped[str] = mapped_column(String(40))
    settlement_cycle: Mapped[str] = mapped_column(String(12))
    review_reason: Mapped[str | None] = mapped_column(String(500))
    reviewed_by: Mapped[str | None] = mapped_column(String(36))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merchant_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("merchants.id"),
                                                    index=True)
    # Bumped by every change: a review names the version it read (stale: 409).
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MerchantLifecycleEvent(Base):
    """One row per status change of a merchant (the audit trail operators read)."""

    __tablename__ = "merchant_lifecycle_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(String(36), ForeignKey("merchants.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MerchantDeposit(Base):
    """The deposit paid (one per merchant: the unique key counts a repeat once)."""

    __tablename__ = "merchant_deposits"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="ck_merchant_deposits_amount"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    merchant_id: Mapped[str] = mapped_column(String(36), ForeignKey("merchants.id"),
                                             unique=True)
    client_key: Mapped[str] = mapped_column(String(100))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    paid_by: Mapped[str] = mapped_column(String(36))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MerchantStaffRole(Base):
    """The role a merchant_staff grant holds inside its merchant (no row: the grant's own
    catalog+orders, as operators grant it)."""

    __tablename__ = "merchant_staff_roles"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'catalog', 'orders', 'finance')",
                        name="ck_merchant_staff_roles_role"),
    )
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(36), ForeignKey("merchants.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    granted_by: Mapped[str | None] = mapped_column(String(36))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
