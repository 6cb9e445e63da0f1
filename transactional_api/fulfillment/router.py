"""Shipments (operators), carrier callbacks, automatic completion, the shopper's track."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.deps import CurrentCaller, Db, OrdersCaller, ReadDb, SettingsDep
from transactional_api.core.errors import NotFound, Unauthorized, Unprocessable
from transactional_api.core.permissions import Permission
from transactional_api.fulfillment import completion, shipments, tracking
from transactional_api.fulfillment.carriers import CarrierBase
from transactional_api.fulfillment.models import Shipment, TrackingEvent
from transactional_api.fulfillment.schemas import (
    CallbackOut,
    CompleteDueOut,
    DeliverDueOut,
    MergeableOut,
    MergeGroupOut,
    ShipmentIn,
    ShipmentOut,
    TrackingEventOut,
    TrackingOut,
)
from transactional_api.orders import service as orders

router = APIRouter(tags=["fulfilment"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
CarrierPath = Annotated[str, Path(min_length=1, max_length=32)]


def shipment_out(s: Shipment, events: list[TrackingEvent] | None = None) -> ShipmentOut:
    return ShipmentOut(
        id=s.id, carrier=s.carrier, tracking_number=s.tracking_number, status=s.status,
        merged=s.merged, merchant_id=s.merchant_id, shipping_region=s.shipping_region,
        sub_order_ids=[link.sub_order_id for link in s.sub_orders],
        order_ids=sorted({link.order_id for link in s.sub_orders}), shipped_at=s.created_at,
        delivered_at=s.delivered_at,
        events=[TrackingEventOut(status=e.status, occurred_at=e.occurred_at,
                                 location=e.location, description=e.description,
                                 applied=e.applied) for e in events or []])


def _carrier(request: Request, name: str) -> CarrierBase:
    carrier = request.app.state.carriers.get(name)
    if carrier is None:
        raise Unprocessable(f"carrier {name!r} is not enabled", code="unknown_carrier",
                            details={"enabled": sorted(request.app.state.carriers)})
    return carrier


@router.post("/v1/admin/shipments", status_code=201, response_model=ShipmentOut)
def create_shipment(body: ShipmentIn, db: Db, request: Request, _: OrdersCaller) -> ShipmentOut:
    """Ship packed sub-orders as one parcel (several only for one buyer, merchant and
    address); the sandbox carrier assigns a tracking number when none is given."""
    carrier = _carrier(request, body.carrier)
    with db.begin():
        shipment = shipments.create_shipment(
            db, carrier=carrier, sub_order_ids=body.sub_order_ids,
            tracking_number=body.tracking_number, at=clock.now())
        return shipment_out(shipment)


@router.get("/v1/admin/shipments/mergeable", response_model=MergeableOut)
def mergeable(db: ReadDb, _: OrdersCaller,
              min_size: Annotated[int, Query(ge=1, le=50)] = 2,
              limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> MergeableOut:
    """Packed sub-orders that may ship together, by buyer, merchant and address."""
    with db.begin():
        groups = shipments.mergeable(db, min_size=min_size, limit=limit)
    return MergeableOut(groups=[MergeGroupOut(
        user_id=g.user_id, merchant_id=g.merchant_id, shipping_region=g.shipping_region,
        ship_to=g.ship_to, sub_order_ids=g.sub_order_ids, order_ids=g.order_ids)
        for g in groups])


@router.get("/v1/admin/shipments/{shipment_id}", response_model=ShipmentOut)
def get_shipment(shipment_id: IdPath, db: ReadDb, _: OrdersCaller) -> ShipmentOut:
    with db.begin():
        shipment = shipments.get_shipment(db, shipment_id)
        return shipment_out(shipment, tracking.events_of(db, [shipment.id])[shipment.id])


@router.get("/v1/orders/{order_id}/tracking", response_model=TrackingOut)
def order_tracking(order_id: IdPath, db: ReadDb, caller: CurrentCaller) -> TrackingOut:
    """The order's parcels with their carrier, tracking number, status and events (in the
    carrier's time order); 404 for anyone but the buyer and operators."""
    with db.begin():
        order = orders.get_order(session=db, order_id=order_id,
                                 user_id=caller.owner_filter(Permission.ORDERS))
        return TrackingOut(order_id=order.id, status=order.status, shipments=[
            shipment_out(s, events) for s, events in tracking.shipments_of_order(db, order.id)])


@router.post("/v1/fulfilment/callbacks/{carrier}", response_model=CallbackOut)
async def carrier_callback(carrier: CarrierPath, request: Request) -> CallbackOut:
    """A carrier's signed tracking event: a replay or an older event changes nothing."""
    impl = request.app.state.carriers.get(carrier)
    if impl is None:
        raise NotFound(f"carrier {carrier!r} is not enabled", code="carrier_unavailable")
    raw = await request.body()
    if not impl.authenticate(raw, request.headers):
        raise Unauthorized("bad or missing signature", code="bad_signature")
    try:
        event = impl.parse(raw)
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        raise Unprocessable("malformed callback", code="bad_callback",
                            details=str(exc)[:200]) from exc
    return CallbackOut(outcome=await run_in_threadpool(
        _record, request.app.state.sessions, carrier, event))


def _record(sessions, carrier: str, event) -> str:
    with transaction(sessions) as s:
        return tracking.record(s, carrier=carrier, event=event)


@router.post("/v1/admin/fulfilment/complete-due", response_model=CompleteDueOut)
def complete_due(db: Db, settings: SettingsDep, _: OrdersCaller) -> CompleteDueOut:
    """Complete the sub-orders delivered auto_complete_days ago (at the request's clock,
    which the simulator moves)."""
    with db.begin():
        return CompleteDueOut(completed=completion.complete_due(
            db, clock.now(), days=settings.auto_complete_days))


@router.post("/v1/admin/fulfilment/carriers/{carrier}/deliver-due",
             response_model=DeliverDueOut)
def deliver_due(carrier: CarrierPath, request: Request, _: OrdersCaller) -> DeliverDueOut:
    """Let a sandbox carrier post the events due by the request's clock (the demo's
    simulated days move parcels this way; the background job uses the real clock)."""
    impl = request.app.state.carriers.get(carrier)
    if impl is None or not hasattr(impl, "deliver_due"):
        raise NotFound(f"no sandbox carrier {carrier!r} is enabled",
                       code="carrier_unavailable")
    return DeliverDueOut(delivered=impl.deliver_due(request.app.state.sessions,
                                                    now=clock.now()))
