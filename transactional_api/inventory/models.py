from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, utcnow

DEFAULT_WAREHOUSE = "default"


class StockLevel(Base):
    """Sellable units per SKU and warehouse; the CHECK is the last line against overselling."""

    __tablename__ = "stock_levels"
    __table_args__ = (CheckConstraint("available >= 0", name="ck_stock_available_nonneg"),)
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    warehouse_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    available: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class StockMovement(Base):
    """Append-only ledger: every change of a stock level and why."""

    __tablename__ = "stock_movements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku_id: Mapped[str] = mapped_column(String(36), index=True)
    warehouse_id: Mapped[str] = mapped_column(String(36))
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
