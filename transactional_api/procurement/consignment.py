"""Consignment: once an order is paid, each sub-order's lines sold under a consignment
contract are pushed to their supplier (one push per sub-order and supplier, created by an
outbox consumer, so a replayed order_paid creates nothing twice); a failed push is retried
with exponential backoff until the supplier takes it; the supplier's signed tracking
callback then ships the sub-order through the fulfilment domain, so the shopper sees the
track."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import follower
from transactional_api.events.outbox import emit
from transactional_api.events.procurement_events import (
    ConsignmentPushed,
    ConsignmentPushFailed,
    ConsignmentPushPayload,
)
from transactional_api.fulfillment.shipments import create_shipment
from transactional_api.orders import state, suborders
from transactional_api.orders.service import get_order
from transactional_api.procurement.models import ConsignmentPush, ProcurementCursor
from transactional_api.procurement.sandbox_supplier import SupplierClient, SupplierUnavailable
from transactional_api.procurement.service import consignment_contracts

log = logging.getLogger("flywheel.procurement")
CURSOR = "consignment"
EVENT_TYPES = ("order_paid",)
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


def backoff(attempts: int) -> timedelta:
    """30 s, 60 s, 120 s ... capped at an hour, after the given number of failures."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0),
                                 BACKOFF_MAX_SECONDS))


def _payload(p: ConsignmentPush, error: str | None = None) -> ConsignmentPushPayload:
    return ConsignmentPushPayload(
        push_id=p.id, sub_order_id=p.sub_order_id, order_id=p.order_id,
        supplier_id=p.supplier_id, units=sum(x["quantity"] for x in p.lines),
        attempts=p.attempts, error=error)


# --- the outbox consumer -----------------------------------------------------------------
def apply_paid(session: Session, record: dict) -> int:
    """Create the pushes of one paid order that do not exist yet; how many were created."""
    order_id = record.get("payload", {}).get("order_id")
    if not order_id:
        return 0
    try:
        order = get_order(session=session, order_id=order_id, user_id=None)
    except NotFound:
        return 0
    items = [i for i in order.items if i.sub_order_id]
    contracts = consignment_contracts(session=session, sku_ids=sorted({i.sku_id for i in items}))
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for item in items:
        c = contracts.get(item.sku_id)
        if c is not None:
            groups[(item.sub_order_id, c.supplier_id)].append(
                {"order_item_id": item.id, "sku_id": item.sku_id, "quantity": item.quantity})
    if not groups:
        return 0
    existing = set(session.execute(
        select(ConsignmentPush.sub_order_id, ConsignmentPush.supplier_id)
        .where(ConsignmentPush.order_id == order.id)).all())
    now = clock.now()
    created = 0
    for (sub_order_id, supplier_id), lines in sorted(groups.items()):
        if (sub_order_id, supplier_id) in existing:
            continue
        session.add(ConsignmentPush(
            sub_order_id=sub_order_id, order_id=order.id, supplier_id=supplier_id,
            lines=lines, status="pending", attempts=0, next_at=now, created_at=now))
        created += 1
    session.flush()
    return created


def consume_once(sessions: sessionmaker[Session], *, overlap_rows: int,
                 batch: int = 100) -> tuple[int, bool]:
    return follower.follow_once(
        sessions, cursor_model=ProcurementCursor, name=CURSOR, event_types=EVENT_TYPES,
        overlap_rows=overlap_rows,
        apply=lambda s, records: sum(apply_paid(s, r) for r in records), batch=batch)


def consume_all(sessions: sessionmaker[Session], *, overlap_rows: int) -> int:
    return follower.follow_all(lambda: consume_once(sessions, overlap_rows=overlap_rows))


# --- pushing -----------------------------------------------------------------------------
def push_due(sessions: sessionmaker[Session], *, client: SupplierClient,
             now: datetime | None = None, limit: int = 50) -> dict[str, int]:
    """Push the pending pushes whose time has come. The supplier is called outside any
    transaction (a slow supplier never holds the writer); the outcome is then recorded
    under the push's row lock, and a push another process recorded meanwhile is left."""
    at = now or clock.now()
    with sessions() as s:
        due = list(s.scalars(select(ConsignmentPush)
                             .where(ConsignmentPush.status == "pending",
                                    ConsignmentPush.next_at <= at)
                             .order_by(ConsignmentPush.next_at, ConsignmentPush.id)
                             .limit(limit)))
    out = {"pushed": 0, "failed": 0}
    for p in due:
        error, ref = None, None
        try:
            ref = client.push(push_id=p.id, supplier_id=p.supplier_id,
                              sub_order_id=p.sub_order_id, lines=p.lines)
        except SupplierUnavailable as exc:
            error = str(exc)[:500] or "supplier unavailable"
        with transaction(sessions) as s:
            row = s.scalar(select(ConsignmentPush).where(ConsignmentPush.id == p.id)
                           .with_for_update().execution_options(populate_existing=True))
            if row is None or row.status != "pending":
                continue
            row.attempts += 1
            if error is None:
                row.status, row.supplier_ref, row.pushed_at = "pushed", ref, at
                row.last_error = None
                emit(session=s, event=ConsignmentPushed(occurred_at=at, payload=_payload(row)))
                out["pushed"] += 1
            else:
                row.last_error, row.next_at = error, at + backoff(row.attempts)
                emit(session=s, event=ConsignmentPushFailed(
                    occurred_at=at, payload=_payload(row, error)))
                out["failed"] += 1
    if out["pushed"] or out["failed"]:
        log.info("consignment pushes", extra=out)
    return out


# --- the supplier's tracking callback ----------------------------------------------------
def record_tracking(session: Session, *, push_id: str, carrier, tracking_number: str,
                    at: datetime | None = None) -> str:
    """Ship the push's sub-order with the supplier's tracking number. A repeat of the
    same callback answers "duplicate" and changes nothing; another number for a shipped
    push is 409."""
    now = at or clock.now()
    p = session.scalar(select(ConsignmentPush).where(ConsignmentPush.id == push_id)
                       .with_for_update().execution_options(populate_existing=True))
    if p is None:
        raise NotFound("push not found", code="push_not_found")
    if p.status == "shipped":
        if p.tracking_number == tracking_number:
            return "duplicate"
        raise Conflict("this push already shipped with another tracking number",
                       code="push_already_shipped")
    sub = suborders.get_sub_order(session=session, sub_order_id=p.sub_order_id)
    order = suborders.parent_locked(session, sub)
    if sub.status == state.SUB_CANCELLED:
        raise Conflict("the sub-order was cancelled", code="sub_order_cancelled")
    shipment_id = None
    if sub.status in (state.ALLOCATED, state.PICKING, state.PACKED):
        # The supplier picked and packed it: the sub-order walks its own machine.
        for step in (state.PICKING, state.PACKED):
            if sub.status != step and step in state.TRANSITIONS[sub.status]:
                suborders.advance(session, order, sub, step, at=now)
        shipment_id = create_shipment(session, carrier=carrier, sub_order_ids=[sub.id],
                                      tracking_number=tracking_number, at=now).id
    elif sub.status not in state.BEFORE_SHIPPING:
        pass  # already shipped (another supplier's lines of the sub-order): record only
    else:
        raise Unprocessable("the sub-order is not paid", code="sub_order_not_paid")
    p.status, p.tracking_number, p.shipped_at = "shipped", tracking_number, now
    p.shipment_id = shipment_id
    if p.pushed_at is None:  # the supplier shipped before our retry heard back
        p.pushed_at = now
    session.flush()
    return "shipped"


def get_push(*, session: Session, push_id: str) -> ConsignmentPush:
    p = session.get(ConsignmentPush, push_id)
    if p is None:
        raise NotFound("push not found", code="push_not_found")
    return p


def list_pushes(*, session: Session, order_id: str | None = None,
                status: str | None = None, limit: int = 200) -> list[ConsignmentPush]:
    stmt = select(ConsignmentPush).order_by(ConsignmentPush.created_at, ConsignmentPush.id
                                            ).limit(limit)
    if order_id:
        stmt = stmt.where(ConsignmentPush.order_id == order_id)
    if status:
        stmt = stmt.where(ConsignmentPush.status == status)
    return list(session.scalars(stmt))
