"""A flash sale's life in the OLTP: scheduled -> armed (units held at one location, Redis
preloaded) -> ended (what is left of the hold goes back to the shop, reconciled), or
cancelled. Redis is written after the transaction that makes it right to do so commits;
the periodic tick repeats any Redis step a crash skipped (each is idempotent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis as redis_lib
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.catalog.pricing_facts import sku_facts
from transactional_api.core import clock
from transactional_api.core.db import new_id, transaction
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import flash_events as fe
from transactional_api.events.outbox import emit
from transactional_api.flash_sales import hot, reconcile
from transactional_api.flash_sales.models import (
    ARMED,
    CANCELLED,
    ENDED,
    SCHEDULED,
    FlashReservation,
    FlashSale,
)
from transactional_api.inventory import holds
from transactional_api.pricing import prices


def ref(sale_id: str) -> str:
    """The note on every stock movement of the sale's hold."""
    return f"flash_sale:{sale_id}"


def get(session: Session, sale_id: str, *, lock: bool = False) -> FlashSale:
    stmt = select(FlashSale).where(FlashSale.id == sale_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    sale = session.scalar(stmt)
    if sale is None:
        raise NotFound("flash sale not found", code="flash_sale_not_found")
    return sale


def listing(session: Session, *, statuses: tuple[str, ...] | None = None,
            limit: int = 100) -> list[FlashSale]:
    stmt = select(FlashSale).order_by(FlashSale.starts_at.desc()).limit(limit)
    if statuses:
        stmt = stmt.where(FlashSale.status.in_(statuses))
    return list(session.scalars(stmt))


def create(session: Session, *, name: str, sku_id: str, flash_price_cents: int, quantity: int,
           per_user_limit: int, starts_at: datetime, ends_at: datetime,
           audience_id: str | None, payment_window_seconds: int, warehouse_id: str | None,
           actor_id: str | None) -> FlashSale:
    facts = sku_facts(session, [sku_id]).get(sku_id)
    if facts is None:
        raise NotFound("SKU not found", code="sku_not_found")
    if ends_at <= starts_at:
        raise Unprocessable("ends_at must be after starts_at", code="invalid_window")
    if ends_at <= clock.now():
        raise Unprocessable("the sale would end in the past", code="invalid_window")
    if flash_price_cents >= facts.list_price_cents:
        raise Unprocessable("the flash price must be below the list price",
                            code="flash_price_not_lower",
                            details={"list_price_cents": facts.list_price_cents})
    if per_user_limit > quantity:
        raise Unprocessable("per_user_limit cannot exceed the quantity", code="invalid_limit")
    overlap = session.scalar(select(func.count()).select_from(FlashSale).where(
        FlashSale.sku_id == sku_id, FlashSale.status.in_((SCHEDULED, ARMED)),
        FlashSale.starts_at < ends_at, FlashSale.ends_at > starts_at))
    if overlap:
        raise Conflict("another flash sale of this SKU overlaps that window",
                       code="flash_sale_overlap")
    now = clock.now()
    sale = FlashSale(id=new_id(), name=name, sku_id=sku_id, merchant_id=facts.merchant_id,
                     currency=facts.currency, list_price_cents=facts.list_price_cents,
                     flash_price_cents=flash_price_cents, quantity=quantity,
                     per_user_limit=per_user_limit, starts_at=starts_at, ends_at=ends_at,
                     audience_id=audience_id, payment_window_seconds=payment_window_seconds,
                     warehouse_id=warehouse_id, status=SCHEDULED, held_units=0,
                     created_by=actor_id, created_at=now, updated_at=now)
    session.add(sale)
    prices.set_flash_price(session, sku_id=sku_id, flash_sale_id=sale.id,
                           unit_price_cents=flash_price_cents, starts_at=starts_at,
                           ends_at=ends_at)
    emit(session=session, event=fe.FlashSaleScheduled(
        occurred_at=now, user_id=actor_id, payload=fe.FlashSaleScheduledPayload(
            sale_id=sale.id, name=name, sku_id=sku_id, merchant_id=facts.merchant_id,
            currency=facts.currency, list_price_cents=facts.list_price_cents,
            flash_price_cents=flash_price_cents, quantity=quantity,
            per_user_limit=per_user_limit, starts_at=starts_at, ends_at=ends_at,
            audience_id=audience_id)))
    return sale


def arm(sessions: sessionmaker[Session], client: redis_lib.Redis, sale_id: str) -> FlashSale:
    """Hold the units and preload Redis. Arming an armed sale only repeats the preload."""
    with transaction(sessions) as s:
        sale = get(s, sale_id, lock=True)
        if sale.status == SCHEDULED:
            sale.warehouse_id = holds.hold(s, sku_id=sale.sku_id, units=sale.quantity,
                                           ref=ref(sale.id), reason="flash_hold",
                                           warehouse_id=sale.warehouse_id)
            sale.status, sale.held_units = ARMED, sale.quantity
            sale.armed_at = sale.updated_at = clock.now()
            emit(session=s, event=fe.FlashSaleArmed(
                occurred_at=sale.armed_at, payload=fe.FlashSaleArmedPayload(
                    sale_id=sale.id, warehouse_id=sale.warehouse_id, quantity=sale.quantity)))
        elif sale.status != ARMED:
            raise Conflict(f"a sale that is {sale.status} cannot be armed",
                           code="flash_sale_not_armable", details={"status": sale.status})
    _preload(client, sale)
    return sale


def _preload(client: redis_lib.Redis, sale: FlashSale) -> None:
    hot.preload(client, sale_id=sale.id, pool=sale.quantity,
                starts_ms=_ms(sale.starts_at), ends_ms=_ms(sale.ends_at),
                limit=sale.per_user_limit, sku_id=sale.sku_id)


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def finish(sessions: sessionmaker[Session], client: redis_lib.Redis, sale_id: str, *,
           status: str = ENDED) -> tuple[FlashSale, bool]:
    """Close the pool, and once every won reservation has its order (the queue drained),
    give what is left of the hold back to the shop and record the reconciliation.
    Returns (sale, done); not done: call again when the workers have caught up."""
    with sessions() as s:
        sale = get(s, sale_id)
        if sale.status in (ENDED, CANCELLED):
            return sale, True
        if sale.status == SCHEDULED:
            if status != CANCELLED:
                raise Conflict("a sale that never armed can only be cancelled",
                               code="flash_sale_not_armed")
            return _cancel_scheduled(sessions, sale_id), True
    hot.close(client, sale_id=sale_id, status=status)
    live = hot.state(client, sale_id)
    with sessions() as s:
        recorded = set(s.scalars(select(FlashReservation.token).where(
            FlashReservation.sale_id == sale_id)))
        pending_pool = s.scalar(select(func.count()).select_from(FlashReservation).where(
            FlashReservation.sale_id == sale_id, FlashReservation.pool_pending.is_(True)))
    if set(live["tokens"]) - recorded or pending_pool:
        return sale, False
    with transaction(sessions) as s:
        sale = get(s, sale_id, lock=True)
        if sale.status in (ENDED, CANCELLED):
            return sale, True
        left = sale.held_units
        if left:
            holds.release(s, sku_id=sale.sku_id, warehouse_id=sale.warehouse_id, units=left,
                          ref=ref(sale.id), reason="flash_end")
        sale.held_units, sale.status = 0, status
        sale.ended_at = sale.updated_at = clock.now()
        s.flush()
        report = reconcile.report(s, client, sale)
        sale.reconciliation = report
        counters = live["counters"]
        sold_out_ms = live["meta"].get("sold_out_ms")
        emit(session=s, event=fe.FlashSaleEnded(
            occurred_at=sale.ended_at, payload=fe.FlashSaleEndedPayload(
                sale_id=sale.id, status=status, requests=counters.get("requests", 0),
                won=counters.get("won", 0), sold_out=counters.get("sold_out", 0),
                rate_limited=counters.get("rate_limited", 0)
                + counters.get("waiting_room", 0),
                over_limit=counters.get("over_limit", 0),
                units_ordered=report["ordered_units"], units_returned_to_stock=left,
                sold_out_at=(datetime.fromtimestamp(int(sold_out_ms) / 1000, UTC)
                             if sold_out_ms else None),
                reconciled=not report["differences"],
                differences=len(report["differences"]))))
    return sale, True


def _cancel_scheduled(sessions: sessionmaker[Session], sale_id: str) -> FlashSale:
    with transaction(sessions) as s:
        sale = get(s, sale_id, lock=True)
        if sale.status != SCHEDULED:
            raise Conflict("the sale armed meanwhile: cancel it again", code="flash_sale_armed")
        sale.status, sale.ended_at = CANCELLED, clock.now()
        sale.updated_at = sale.ended_at
    return sale


def due(session: Session, *, now: datetime, arm_ahead_seconds: int) -> tuple[list[str],
                                                                              list[str]]:
    """(sales to arm, sales to end) at now."""
    to_arm = list(session.scalars(select(FlashSale.id).where(
        FlashSale.status == SCHEDULED,
        FlashSale.starts_at <= now + timedelta(seconds=arm_ahead_seconds),
        FlashSale.ends_at > now)))
    to_end = list(session.scalars(select(FlashSale.id).where(
        FlashSale.status == ARMED, FlashSale.ends_at <= now)))
    return to_arm, to_end


def armed_ids(session: Session) -> list[str]:
    return list(session.scalars(select(FlashSale.id).where(FlashSale.status == ARMED)))


def ensure_preloaded(session: Session, client: redis_lib.Redis, sale_id: str) -> bool:
    """Preload an armed sale whose Redis state is missing (arm crashed between its commit
    and the preload). A sale with reservations is never preloaded anew: Redis lost them,
    and handing the units out again could oversell, so that is left to the operator."""
    meta = hot.sale_keys(sale_id)[0]
    if client.exists(meta):
        return False
    sale = get(session, sale_id)
    if session.scalar(select(func.count()).select_from(FlashReservation).where(
            FlashReservation.sale_id == sale_id)):
        return False
    _preload(client, sale)
    return True
