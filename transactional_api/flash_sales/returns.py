"""Reservations whose order was cancelled (unpaid past its window, or by the shopper) go
back to the pool while the sale runs, so someone else can win the unit.

Two steps, each idempotent: the transaction takes the unit back into the sale's hold (the
order's cancellation had put it on sale in the shop) and marks the row ``returned`` with
``pool_pending``; then Redis gets it (a script that gives each token back once), and the
flag is cleared. A crash between the two leaves the flag set, and the next pass pushes it.
After the sale, or when a shopper bought the unit at the full price meanwhile, the row is
``lapsed``: the unit stays in the shop's stock."""

from __future__ import annotations

import logging

import redis as redis_lib
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict
from transactional_api.events import flash_events as fe
from transactional_api.events.outbox import emit
from transactional_api.flash_sales import hot
from transactional_api.flash_sales.models import (
    ARMED,
    LAPSED,
    ORDERED,
    RETURNED,
    FlashReservation,
)
from transactional_api.flash_sales.service import get, ref
from transactional_api.inventory import holds
from transactional_api.orders import service as orders
from transactional_api.orders.state import CANCELLED

log = logging.getLogger("flywheel.flash")


def sweep(sessions: sessionmaker[Session], client: redis_lib.Redis, *,
          limit: int = 200) -> int:
    """Release the reservations whose orders were cancelled; returns how many."""
    with sessions() as s:
        rows = list(s.execute(select(FlashReservation.token, FlashReservation.order_id)
                              .where(FlashReservation.state == ORDERED)
                              .order_by(FlashReservation.created_at).limit(5000)))
        status = orders.statuses(session=s, order_ids=[o for _, o in rows if o])
    lapsed = [t for t, o in rows if status.get(o) == CANCELLED][:limit]
    for token in lapsed:
        _release(sessions, token)
    push_to_pool(sessions, client)
    return len(lapsed)


def _release(sessions: sessionmaker[Session], token: str) -> None:
    with transaction(sessions) as s:
        row = s.get(FlashReservation, token, with_for_update=True)
        if row is None or row.state != ORDERED:
            return
        sale = get(s, row.sale_id, lock=True)
        now = clock.now()
        to_pool = sale.status == ARMED and now < sale.ends_at
        reason = "order cancelled; back to the pool"
        if to_pool:
            try:
                with s.begin_nested():
                    holds.hold(s, sku_id=sale.sku_id, units=row.quantity, ref=ref(sale.id),
                               reason="flash_return", warehouse_id=sale.warehouse_id)
            except Conflict:
                to_pool, reason = False, "order cancelled; the unit sold in the shop meanwhile"
        if to_pool:
            sale.held_units += row.quantity
            row.state, row.pool_pending = RETURNED, True
        else:
            row.state = LAPSED
            reason = reason if "meanwhile" in reason else "order cancelled after the sale"
        row.updated_at = now
        emit(session=s, event=fe.FlashReservationReleased(
            occurred_at=now, user_id=row.user_id, payload=fe.FlashReservationReleasedPayload(
                token=row.token, sale_id=row.sale_id, order_id=row.order_id,
                quantity=row.quantity, to_pool=to_pool, reason=reason)))


def push_to_pool(sessions: sessionmaker[Session], client: redis_lib.Redis) -> int:
    """Give Redis the units the OLTP hold has taken back (pool_pending), once per token."""
    with sessions() as s:
        pending = list(s.execute(select(FlashReservation.token, FlashReservation.sale_id)
                                 .where(FlashReservation.pool_pending.is_(True))))
    scripts = hot.Scripts(client)
    for token, sale_id in pending:
        scripts.give_back(sale_id=sale_id, token=token)
        with transaction(sessions) as s:
            row = s.get(FlashReservation, token, with_for_update=True)
            if row is not None:
                row.pool_pending, row.updated_at = False, clock.now()
    return len(pending)
