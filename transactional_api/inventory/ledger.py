"""Every change of a stock level goes through move(): one conditional UPDATE, one ledger
row, one ``stock_moved`` event, and a ``stock_low`` event when sellable units fall to the
safety stock. The caller holds the row locks (reserve/commit/... lock in a fixed order)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict
from transactional_api.events.catalog_events import (
    StockLow,
    StockLowPayload,
    StockMoved,
    StockMovedPayload,
)
from transactional_api.events.outbox import emit
from transactional_api.inventory.models import StockLevel, StockMovement


def move(session: Session, *, sku_id: str, warehouse_id: str, on_hand: int = 0,
         reserved: int = 0, reason: str, order_id: str | None = None,
         reservation_id: str | None = None, actor_id: str | None = None,
         note: str | None = None, at: datetime | None = None) -> None:
    """``at``: when it happened, if not now (a payment confirmed at the provider's time, a
    hold that lapsed at its deadline) so the warehouse dates the movement right."""
    level = StockLevel.__table__.c
    now = at or clock.now()
    # The WHERE repeats the CHECKs so a refused move is a clean Conflict, not an
    # IntegrityError that would poison the transaction on PostgreSQL.
    row = session.execute(
        update(StockLevel)
        .where(level.sku_id == sku_id, level.warehouse_id == warehouse_id,
               level.reserved + reserved >= 0,
               level.on_hand + on_hand >= level.reserved + reserved)
        .values(on_hand=level.on_hand + on_hand, reserved=level.reserved + reserved,
                updated_at=now)
        .returning(level.on_hand, level.reserved, level.safety_stock)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        raise Conflict("not enough stock", code="out_of_stock",
                       details={"sku_id": sku_id, "warehouse_id": warehouse_id})
    # Core insert: the ORM's bulk path costs more than the statement itself here.
    ledger = StockMovement.__table__
    movement_id = session.execute(insert(ledger).values(
        sku_id=sku_id, warehouse_id=warehouse_id, on_hand_delta=on_hand,
        reserved_delta=reserved, reason=reason, order_id=order_id,
        reservation_id=reservation_id, actor_id=actor_id, note=note,
        created_at=now).returning(ledger.c.id)).scalar_one()
    emit(session=session, event=StockMoved(occurred_at=now, payload=StockMovedPayload(
        movement_id=movement_id, sku_id=sku_id, warehouse_id=warehouse_id,
        on_hand_delta=on_hand, reserved_delta=reserved, reason=reason, order_id=order_id,
        reservation_id=reservation_id)))
    after = row.on_hand - row.reserved
    before = after - (on_hand - reserved)
    if row.safety_stock > 0 and after <= row.safety_stock < before:
        emit(session=session, event=StockLow(occurred_at=now, payload=StockLowPayload(
            sku_id=sku_id, warehouse_id=warehouse_id, sellable=after,
            safety_stock=row.safety_stock)))
