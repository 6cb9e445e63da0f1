"""Shipments: packed sub-orders handed to a carrier, one parcel or several merged.

Sub-orders may share a parcel only when one label fits them all: the same buyer, the same
merchant (who packs and sends it) and the same address snapshot. Each sub-order moves to
shipped through the orders' own state machine, in the shipment's transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events import fulfilment_events as fe
from transactional_api.events.outbox import emit
from transactional_api.fulfillment.carriers import CarrierBase
from transactional_api.fulfillment.models import Shipment, ShipmentSubOrder
from transactional_api.orders import state, suborders
from transactional_api.orders.models import Order, SubOrder


def address_key(order: Order) -> str:
    """Equal for two orders exactly when one label serves both."""
    if order.ship_to:
        return json.dumps(order.ship_to, sort_keys=True, separators=(",", ":"))
    return f"region:{order.shipping_region or ''}"


def lock_orders(session: Session, order_ids) -> dict[str, Order]:
    """Parent orders locked in id order: parents come first in every lock sequence, and a
    fixed order among them means two multi-order shipments never deadlock."""
    out = {}
    for order_id in sorted(set(order_ids)):
        out[order_id] = session.scalar(
            select(Order).where(Order.id == order_id).with_for_update()
            .execution_options(populate_existing=True))
    return out


def create_shipment(session: Session, *, carrier: CarrierBase, sub_order_ids: list[str],
                    tracking_number: str | None, at: datetime) -> Shipment:
    subs = _load(session, sub_order_ids)
    orders = lock_orders(session, (s.order_id for s in subs))
    # Re-read under the parents' locks: what we check is what we change.
    subs = list(session.scalars(select(SubOrder).where(SubOrder.id.in_(sub_order_ids))
                                .order_by(SubOrder.id)
                                .execution_options(populate_existing=True)))
    _check(subs, orders)
    shipment_id = new_id()
    number = tracking_number or carrier.tracking_number(shipment_id=shipment_id)
    if session.scalar(select(Shipment.id).where(Shipment.carrier == carrier.name,
                                                Shipment.tracking_number == number)):
        raise Conflict("this tracking number is already used by another shipment",
                       code="tracking_number_taken", details={"tracking_number": number})
    first = orders[subs[0].order_id]
    shipment = Shipment(
        id=shipment_id, carrier=carrier.name, tracking_number=number,
        user_id=first.user_id, merchant_id=subs[0].merchant_id,
        shipping_region=first.shipping_region, ship_to=first.ship_to, merged=len(subs) > 1,
        status="label_created", reached="label_created", status_at=at, created_at=at,
        updated_at=at,
        sub_orders=[ShipmentSubOrder(sub_order_id=s.id, order_id=s.order_id) for s in subs])
    try:
        with session.begin_nested():
            session.add(shipment)
    except IntegrityError as exc:  # a racing request took the number (or the sub-orders)
        raise Conflict("another shipment took this tracking number or these sub-orders",
                       code="shipment_conflict") from exc
    for sub in subs:
        suborders.advance(session, orders[sub.order_id], sub, state.SUB_SHIPPED, at=at)
    for order_id in sorted(orders):
        suborders.sync(session, orders[order_id], at=at)
    carrier.book(session=session, shipment=shipment, at=at)
    emit(session=session, event=fe.ShipmentCreated(
        occurred_at=at, user_id=shipment.user_id, payload=fe.ShipmentCreatedPayload(
            shipment_id=shipment.id, carrier=carrier.name, tracking_number=number,
            merchant_id=shipment.merchant_id, sub_order_ids=[s.id for s in subs],
            order_ids=sorted(orders), merged=shipment.merged,
            shipping_region=shipment.shipping_region)))
    return shipment


def _load(session: Session, ids: list[str]) -> list[SubOrder]:
    subs = list(session.scalars(select(SubOrder).where(SubOrder.id.in_(ids))))
    missing = sorted(set(ids) - {s.id for s in subs})
    if missing:
        raise NotFound("sub-order not found", code="sub_order_not_found",
                       details={"sub_order_ids": missing})
    return subs


def _check(subs: list[SubOrder], orders: dict[str, Order]) -> None:
    virtual = [s.id for s in subs if s.kind == "virtual"]
    if virtual:
        raise Conflict("virtual goods are delivered by their supplier, never shipped",
                       code="not_shippable", details={"sub_order_ids": virtual})
    for what, key in (("buyer", lambda s: orders[s.order_id].user_id),
                      ("merchant", lambda s: s.merchant_id),
                      ("address", lambda s: address_key(orders[s.order_id]))):
        if len({key(s) for s in subs}) > 1:
            raise Conflict(f"sub-orders of different {what}s cannot ship as one parcel",
                           code=f"merge_{what}_mismatch",
                           details={"sub_order_ids": [s.id for s in subs]})
    unpacked = {s.id: s.status for s in subs if s.status != state.PACKED}
    if unpacked:
        raise Conflict("only packed sub-orders can ship", code="sub_order_not_packed",
                       details={"statuses": unpacked})
    paused = [s.id for s in subs if s.paused]
    if paused:
        raise Conflict("a sub-order is paused by an operator", code="sub_order_paused",
                       details={"sub_order_ids": paused})


@dataclass
class MergeGroup:
    user_id: str
    merchant_id: str
    shipping_region: str | None
    ship_to: dict | None
    sub_order_ids: list[str] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)


def mergeable(session: Session, *, min_size: int = 2, limit: int = 1000) -> list[MergeGroup]:
    """Packed sub-orders that could ship together, grouped by buyer, merchant and address
    (largest groups first); ``min_size`` 1 lists every packed sub-order."""
    rows = session.execute(
        select(SubOrder, Order).join(Order, Order.id == SubOrder.order_id)
        .where(SubOrder.status == state.PACKED, SubOrder.kind != "virtual",
               SubOrder.paused.is_(False))
        .order_by(SubOrder.updated_at, SubOrder.id).limit(limit)).all()
    groups: dict[tuple[str, str, str], MergeGroup] = {}
    order_sets: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for sub, order in rows:
        key = (order.user_id, sub.merchant_id, address_key(order))
        group = groups.setdefault(key, MergeGroup(
            user_id=order.user_id, merchant_id=sub.merchant_id,
            shipping_region=order.shipping_region, ship_to=order.ship_to))
        group.sub_order_ids.append(sub.id)
        order_sets[key].add(order.id)
    out = []
    for key, group in groups.items():
        group.order_ids = sorted(order_sets[key])
        if len(group.sub_order_ids) >= min_size:
            out.append(group)
    return sorted(out, key=lambda g: -len(g.sub_order_ids))


def get_shipment(session: Session, shipment_id: str) -> Shipment:
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFound("shipment not found", code="shipment_not_found")
    return shipment
