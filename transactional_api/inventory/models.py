"""Inventory tables: locations, stock per SKU and location, reservations and the ledger."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from transactional_api.core.db import Base, UTCDateTime, new_id, utcnow

DEFAULT_WAREHOUSE = "default"
ALL_REGIONS = "*"


class Warehouse(Base):
    """A warehouse or store and the shipping regions it serves ("*" serves every region)."""

    __tablename__ = "warehouses"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="warehouse")
    regions: Mapped[list] = mapped_column(JSON, default=lambda: [ALL_REGIONS])
    # Lower is preferred when several locations could serve an order.
    priority: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StockLevel(Base):
    """Units per SKU and location. Sellable is on_hand - reserved; the CHECKs are the last
    line against overselling, whatever the code above them does."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        CheckConstraint("reserved >= 0", name="ck_stock_reserved_nonneg"),
        CheckConstraint("on_hand >= reserved", name="ck_stock_on_hand_covers_reserved"),
        CheckConstraint("safety_stock >= 0", name="ck_stock_safety_nonneg"),
    )
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    safety_stock: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class StockReservation(Base):
    """Units held for an order until ``reserved_until``.

    status: active -> consumed (paid) | released (cancelled) | expired (deadline passed).
    Pre-sale lines hold quota instead of stock: deferred -> backordered (paid) -> consumed
    (allocated to a location on or after the ship-from date).
    """

    __tablename__ = "stock_reservations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_reservations_qty_pos"),
        Index("ix_reservations_status_until", "status", "reserved_until"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(String(36), index=True)
    # The SKU the shopper ordered (a bundle) and the one whose stock is held (a component).
    line_sku_id: Mapped[str] = mapped_column(String(36))
    sku_id: Mapped[str] = mapped_column(String(36), index=True)
    warehouse_id: Mapped[str | None] = mapped_column(String(36))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    reserved_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PresaleAllotment(Base):
    """How many units of a pre-sale SKU may be sold before it exists, and how many are taken."""

    __tablename__ = "presale_allotments"
    __table_args__ = (
        CheckConstraint("taken >= 0", name="ck_presale_taken_nonneg"),
        CheckConstraint("taken <= quota", name="ck_presale_within_quota"),
    )
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    quota: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    ship_from_date: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StockMovement(Base):
    """Append-only ledger: summing the deltas per SKU and location gives its level exactly."""

    __tablename__ = "stock_movements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku_id: Mapped[str] = mapped_column(String(36), index=True)
    warehouse_id: Mapped[str] = mapped_column(String(36))
    on_hand_delta: Mapped[int] = mapped_column(Integer, default=0)
    reserved_delta: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[str | None] = mapped_column(String(36), index=True)
    reservation_id: Mapped[str | None] = mapped_column(String(36))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class BundleComponent(Base):
    """A bundle (kit) SKU is made of component SKUs: it has no stock of its own, and selling
    it reserves and deducts its components."""

    __tablename__ = "bundle_components"
    __table_args__ = (CheckConstraint("quantity > 0", name="ck_bundle_components_qty_pos"),)
    bundle_sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    component_sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"), primary_key=True,
                                                  index=True)
    quantity: Mapped[int] = mapped_column(Integer)
