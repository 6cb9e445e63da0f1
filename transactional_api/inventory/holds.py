"""Holds: units set aside at one location for a play that sells them on its own terms (a
flash sale's pool), as reserved units with no order. Taking a held unit into an order is
``release`` then the order's own ``reserve`` in one transaction: under the SKU's row locks,
so no other checkout sees the unit in between.

Both lock every stock row of the SKU first, in the one fixed order (reservations.py), so a
hold never deadlocks with a checkout on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.core.errors import Conflict
from transactional_api.inventory.ledger import move
from transactional_api.inventory.models import StockMovement
from transactional_api.inventory.reservations import _lock


def hold(session: Session, *, sku_id: str, units: int, ref: str, reason: str,
         warehouse_id: str | None = None) -> str:
    """Hold units at warehouse_id, or at the location with the most sellable units; the
    location, or 409 out_of_stock when no single location has them."""
    stock, _ = _lock(session, {sku_id}, set())
    sellable = {wh: n for (_, wh), n in stock.items()}
    if warehouse_id is None:
        warehouse_id = max(sorted(sellable), key=lambda wh: sellable[wh], default=None)
    if warehouse_id is None or sellable.get(warehouse_id, 0) < units:
        raise Conflict("not enough sellable units at one location for the hold",
                       code="out_of_stock",
                       details={"sku_id": sku_id, "units": units,
                                "sellable": sellable.get(warehouse_id, 0) if warehouse_id
                                else 0})
    move(session, sku_id=sku_id, warehouse_id=warehouse_id, reserved=units, reason=reason,
         note=ref)
    return warehouse_id


def release(session: Session, *, sku_id: str, warehouse_id: str, units: int, ref: str,
            reason: str) -> None:
    """Give held units back to the location's sellable stock (the caller knows they are
    held: its own counter says so)."""
    _lock(session, {sku_id}, set())
    move(session, sku_id=sku_id, warehouse_id=warehouse_id, reserved=-units, reason=reason,
         note=ref)


def held_by(session: Session, *, ref: str) -> int:
    """The units the ledger says are held under ref (the sum of its reserved deltas)."""
    return int(session.scalar(select(func.coalesce(func.sum(StockMovement.reserved_delta), 0))
                              .where(StockMovement.note == ref)) or 0)
