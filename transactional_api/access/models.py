"""Role grants: which roles a user holds beyond users.role (kept for compatibility)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, utcnow


class RoleGrant(Base):
    """One row per (user, role). Merchant staff carry the one merchant they work for; the
    primary key keeps a user staff of at most one merchant."""

    __tablename__ = "role_grants"
    __table_args__ = (
        CheckConstraint("(role = 'merchant_staff') = (merchant_id IS NOT NULL)",
                        name="ck_role_grants_merchant_scope"),
    )
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    merchant_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("merchants.id", ondelete="CASCADE"), index=True)
    granted_by: Mapped[str | None] = mapped_column(String(36))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
