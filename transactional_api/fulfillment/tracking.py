"""What carriers tell us: each event recorded once, the shipment moved only forward, and
a delivered parcel delivering its sub-orders. Also the shopper's view of the track.

Ordering rule, for events that arrive late or out of order:
- a delivered shipment stays delivered (later events are kept in the track, nothing more);
- ``delivered`` always applies (the parcel arrived, whatever we missed before);
- ``exception`` applies only when newer (carrier time) than the current status;
- a progress event applies when newer than the current status and past the furthest
  progress reached, or, after an exception, back at that same step (the carrier resumed).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.events import fulfilment_events as fe
from transactional_api.events.outbox import emit
from transactional_api.fulfillment.carriers import EVENT_STATUSES, PROGRESS, CarrierEvent
from transactional_api.fulfillment.models import Shipment, ShipmentSubOrder, TrackingEvent
from transactional_api.fulfillment.shipments import lock_orders
from transactional_api.orders import state, suborders
from transactional_api.orders.models import Order, SubOrder

APPLIED, RECORDED, DUPLICATE = "applied", "recorded", "duplicate"


def record(session: Session, *, carrier: str, event: CarrierEvent) -> str:
    """One carrier event, in the caller's transaction: "duplicate" (seen before, nothing
    changes), "recorded" (kept in the track but too old to move the shipment), "applied"."""
    if event.status not in EVENT_STATUSES:
        raise Unprocessable(f"unknown tracking status {event.status!r}",
                            code="bad_tracking_status", details=sorted(EVENT_STATUSES))
    found = session.scalar(select(Shipment).where(
        Shipment.carrier == carrier, Shipment.tracking_number == event.tracking_number))
    if found is None:
        raise NotFound("no shipment has this tracking number", code="shipment_not_found")
    # Lock order: parents first (as every sub-order change does), then the shipment.
    orders = lock_orders(session, (link.order_id for link in found.sub_orders))
    shipment = session.scalar(select(Shipment).where(Shipment.id == found.id)
                              .with_for_update().execution_options(populate_existing=True))
    if _seen(session, carrier, event.event_id):
        return DUPLICATE
    applied = _applies(shipment, event)
    now = clock.now()
    row = TrackingEvent(shipment_id=shipment.id, carrier=carrier,
                        carrier_event_id=event.event_id, status=event.status,
                        occurred_at=event.occurred_at, location=event.location,
                        description=event.description, applied=applied, received_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return DUPLICATE  # the same event recorded by a racing request: at most once
    if applied:
        shipment.status, shipment.status_at, shipment.updated_at = \
            event.status, event.occurred_at, now
        if event.status in PROGRESS and \
                PROGRESS.index(event.status) > PROGRESS.index(shipment.reached):
            shipment.reached = event.status
    emit(session=session, event=fe.TrackingEventReceived(
        occurred_at=event.occurred_at, user_id=shipment.user_id,
        payload=fe.TrackingEventPayload(
            shipment_id=shipment.id, carrier=carrier, tracking_number=shipment.tracking_number,
            carrier_event_id=event.event_id, status=event.status, location=event.location,
            applied=applied, shipment_status=shipment.status, received_at=now)))
    if applied and event.status == "delivered":
        _deliver(session, shipment, orders, event.occurred_at)
    return APPLIED if applied else RECORDED


def _applies(shipment: Shipment, event: CarrierEvent) -> bool:
    if shipment.status == "delivered":
        return False
    if event.status == "delivered":
        return True
    # Before the first event any report is news (the carrier's clock may run behind ours).
    newer = shipment.status == "label_created" or event.occurred_at > shipment.status_at
    if event.status == "exception":
        return newer
    step, reached = PROGRESS.index(event.status), PROGRESS.index(shipment.reached)
    return newer and (step > reached or (step == reached and shipment.status == "exception"))


def _seen(session: Session, carrier: str, event_id: str) -> bool:
    return session.scalar(select(TrackingEvent.id).where(
        TrackingEvent.carrier == carrier, TrackingEvent.carrier_event_id == event_id)) is not None


def _deliver(session: Session, shipment: Shipment, orders: dict[str, Order],
             at: datetime) -> None:
    shipment.delivered_at = at
    links = {link.sub_order_id for link in shipment.sub_orders}
    subs = list(session.scalars(select(SubOrder).where(SubOrder.id.in_(links))
                                .execution_options(populate_existing=True)))
    moved: set[str] = set()
    for sub in subs:
        # Moved by hand already (the operators' transitions endpoint) or cancelled: the
        # carrier's word changes nothing there.
        if sub.status == state.SUB_SHIPPED:
            # The parcel arrived: a fact, so an operator's pause does not hold it back.
            suborders.advance(session, orders[sub.order_id], sub, state.SUB_DELIVERED,
                              at=at, ignore_pause=True)
            moved.add(sub.order_id)
    for order_id in sorted(moved):
        suborders.sync(session, orders[order_id], at=at)
    shipped_at = shipment.created_at
    emit(session=session, event=fe.ShipmentDelivered(
        occurred_at=at, user_id=shipment.user_id, payload=fe.ShipmentDeliveredPayload(
            shipment_id=shipment.id, carrier=shipment.carrier,
            tracking_number=shipment.tracking_number, merchant_id=shipment.merchant_id,
            sub_order_ids=sorted(links), order_ids=sorted(orders),
            shipping_region=shipment.shipping_region, shipped_at=shipped_at,
            delivered_at=at)))


# --- the shopper's view --------------------------------------------------------------------
def shipments_of_order(session: Session, order_id: str) -> list[tuple[Shipment,
                                                                         list[TrackingEvent]]]:
    """The order's shipments (oldest first), each with its events in carrier-time order."""
    ids = select(ShipmentSubOrder.shipment_id).where(ShipmentSubOrder.order_id == order_id)
    shipments = list(session.scalars(select(Shipment).where(Shipment.id.in_(ids))
                                     .order_by(Shipment.created_at, Shipment.id)))
    events = events_of(session, [s.id for s in shipments])
    return [(s, events[s.id]) for s in shipments]


def events_of(session: Session, shipment_ids: list[str]) -> dict[str, list[TrackingEvent]]:
    events: dict[str, list[TrackingEvent]] = defaultdict(list)
    if shipment_ids:
        for e in session.scalars(select(TrackingEvent)
                                 .where(TrackingEvent.shipment_id.in_(shipment_ids))
                                 .order_by(TrackingEvent.occurred_at, TrackingEvent.id)):
            events[e.shipment_id].append(e)
    return events
