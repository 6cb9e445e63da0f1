"""One row per suggestion turned into a draft purchase order: the claim that makes the
one-call draft idempotent (a second call finds it and returns the same draft)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime


class ReplenishmentOrder(Base):
    __tablename__ = "replenishment_orders"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_replenishment_orders_quantity"),
        CheckConstraint("suggested_quantity > 0",
                        name="ck_replenishment_orders_suggested_quantity"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # as_of:sku:location, as published: one draft per published suggestion
    suggestion_id: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    sku_id: Mapped[str] = mapped_column(String(36), nullable=False)
    location_id: Mapped[str] = mapped_column(String(36), nullable=False)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    purchase_order_id: Mapped[str | None] = mapped_column(String(36))
    quantity: Mapped[int] = mapped_column(BigInteger, nullable=False)
    suggested_quantity: Mapped[int] = mapped_column(BigInteger, nullable=False)
    accepted_by: Mapped[str] = mapped_column(String(36), nullable=False)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
