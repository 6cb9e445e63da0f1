"""Flash-sale tables. ``held_units`` is the sale's stock hold in the OLTP ledger: armed,
it equals the quantity minus the units already turned into orders; every change to it
moves the ledger in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

SCHEDULED, ARMED, ENDED, CANCELLED = "scheduled", "armed", "ended", "cancelled"
# a reservation's row, written by the worker: ordered (an order exists), returned (its
# order lapsed and the unit went back to the pool), lapsed (its order lapsed after the
# sale, or the unit had been sold elsewhere meanwhile), failed (no order could be made)
ORDERED, RETURNED, LAPSED, FAILED = "ordered", "returned", "lapsed", "failed"


class FlashSale(Base):
    __tablename__ = "flash_sales"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120))
    sku_id: Mapped[str] = mapped_column(String(36), ForeignKey("skus.id"))
    merchant_id: Mapped[str] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3))
    list_price_cents: Mapped[int] = mapped_column(BigInteger)
    flash_price_cents: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    per_user_limit: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audience_id: Mapped[str | None] = mapped_column(String(36))
    payment_window_seconds: Mapped[int] = mapped_column(Integer)
    warehouse_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(12), default=SCHEDULED)
    held_units: Mapped[int] = mapped_column(Integer, default=0)
    armed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reconciliation: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FlashReservation(Base):
    __tablename__ = "flash_reservations"

    token: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), ForeignKey("flash_sales.id"))
    user_id: Mapped[str] = mapped_column(String(36))
    quantity: Mapped[int] = mapped_column(Integer)
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    order_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    state: Mapped[str] = mapped_column(String(10))
    # the unit is back in the OLTP hold but Redis' pool has not been given it yet
    pool_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
