"""Timed reservations: reserve at checkout, deduct on payment, release on cancellation,
expire when ``reserved_until`` passes (in whichever process looks next), restock returns.

Lock order, everywhere: stock levels by (sku_id, warehouse_id), then pre-sale allotments
by sku_id. PostgreSQL takes row locks with SELECT … FOR UPDATE in that order, so two
checkouts over the same SKUs (directly or through bundles) queue instead of deadlocking;
SQLite serialises writers with BEGIN IMMEDIATE before any of this runs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict
from transactional_api.events.catalog_events import PresaleAllocated, PresaleAllocatedPayload
from transactional_api.events.outbox import emit
from transactional_api.inventory import allocation
from transactional_api.inventory.ledger import move
from transactional_api.inventory.models import (
    BundleComponent,
    PresaleAllotment,
    StockLevel,
    StockMovement,
    StockReservation,
    Warehouse,
)

ACTIVE, DEFERRED, BACKORDERED = "active", "deferred", "backordered"
CONSUMED, RELEASED, EXPIRED = "consumed", "released", "expired"


def components_of(session: Session, sku_ids: list[str]) -> dict[str, dict[str, int]]:
    rows = session.execute(select(BundleComponent).where(
        BundleComponent.bundle_sku_id.in_(sku_ids)))
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for (c,) in rows:
        out[c.bundle_sku_id][c.component_sku_id] = c.quantity
    return dict(out)


def _lock(session: Session, stock_skus: set[str], presale_skus: set[str]):
    """Lock the SKUs' stock rows, then their allotments, in the one fixed order; returns
    sellable units per (sku, location) as read under the lock, and the allotments."""
    level = StockLevel.__table__.c
    stock = {(sku, wh): units for sku, wh, units in session.execute(
        select(level.sku_id, level.warehouse_id, level.on_hand - level.reserved)
        .where(level.sku_id.in_(sorted(stock_skus)))
        .order_by(level.sku_id, level.warehouse_id).with_for_update())} if stock_skus else {}
    allotments = {a.sku_id: a for a in session.scalars(
        select(PresaleAllotment).where(PresaleAllotment.sku_id.in_(sorted(presale_skus)))
        .order_by(PresaleAllotment.sku_id).with_for_update()
        .execution_options(populate_existing=True))} if presale_skus else {}
    return stock, allotments


def reserve(*, session: Session, order_id: str, lines: dict[str, int], region: str | None,
            reserved_until: datetime,
            strategy: allocation.Strategy = allocation.prefer_single_location,
            kinds: dict[str, str] | None = None) -> None:
    """Hold every line's units or raise Conflict (the caller's transaction rolls back).
    ``kinds`` (sku -> standard|bundle|presale), when the caller knows them, saves looking
    up bundles and pre-sales for plain lines."""
    line_ids = sorted(lines)
    maybe = (lambda kind: [s for s in line_ids if kinds.get(s) == kind]) if kinds is not None \
        else (lambda kind: line_ids)
    bundles = components_of(session, maybe("bundle")) if maybe("bundle") else {}
    presale = set(session.scalars(select(PresaleAllotment.sku_id).where(
        PresaleAllotment.sku_id.in_(maybe("presale"))))) if maybe("presale") else set()
    # per line: the component SKUs whose stock it takes
    draws: dict[str, dict[str, int]] = {}
    for sku in line_ids:
        if sku in presale:
            continue
        parts = bundles.get(sku, {sku: 1})
        draws[sku] = {c: q * lines[sku] for c, q in parts.items()}
    demand: dict[str, int] = defaultdict(int)
    for parts in draws.values():
        for c, q in parts.items():
            demand[c] += q
    stock, allotments = _lock(session, set(demand), presale)
    # Lapsed holds come back here too, so stock returns even where no sweeper runs: always
    # for pre-sale quota (rare), for stock only when it would otherwise refuse the order.
    if presale and _expire_overdue(session, skus=set(demand) | presale):
        stock, allotments = _lock(session, set(demand), presale)  # read again, still ours
    _reserve_presale(session, order_id, {s: lines[s] for s in presale}, allotments,
                     reserved_until)
    if not demand:
        return
    locations = _locations(session)
    try:
        plan = _plan(strategy, demand, region, locations, stock, draws)
    except Conflict:
        if not _expire_overdue(session, skus=set(demand)):
            raise
        stock, _ = _lock(session, set(demand), set())
        plan = _plan(strategy, demand, region, locations, stock, draws)
    _check_plan(plan, demand)
    # hand each component's allocated units out to the lines that draw on it
    pools = {c: list(parts) for c, parts in plan.items()}
    now = clock.now()
    for line in sorted(draws):
        for comp, need in sorted(draws[line].items()):
            while need:
                wh, units = pools[comp][0]
                take = min(units, need)
                rid = new_id()
                session.add(StockReservation(
                    id=rid, order_id=order_id, line_sku_id=line, sku_id=comp,
                    warehouse_id=wh, quantity=take, status=ACTIVE,
                    reserved_until=reserved_until, created_at=now, updated_at=now))
                move(session, sku_id=comp, warehouse_id=wh, reserved=take, reason="reserved",
                     order_id=order_id, reservation_id=rid)
                need -= take
                if take == units:
                    pools[comp].pop(0)
                else:
                    pools[comp][0] = (wh, units - take)
    session.flush()


def _plan(strategy: allocation.Strategy, demand: dict[str, int], region: str | None,
          locations: list[allocation.Location], stock: dict[tuple[str, str], int],
          draws: dict[str, dict[str, int]]) -> allocation.Allocation:
    try:
        return strategy(demand=dict(demand), region=region, locations=locations, stock=stock)
    except allocation.InsufficientStock as exc:
        wanting = sorted(s for s, parts in draws.items() if exc.sku_id in parts)
        raise Conflict("not enough stock", code="out_of_stock",
                       details={"sku_ids": wanting, "sku_id": wanting[0] if wanting else None,
                                "component_sku_id": exc.sku_id, "requested": exc.requested,
                                "available": exc.available, "region": region}) from None


def _check_plan(plan: allocation.Allocation, demand: dict[str, int]) -> None:
    # A replaced strategy is code we do not own: never apply a plan that miscounts.
    for sku, qty in demand.items():
        if sum(u for _, u in plan.get(sku, [])) != qty or any(u <= 0 for _, u in plan[sku]):
            raise RuntimeError(f"allocation strategy returned a wrong plan for {sku}")


def _reserve_presale(session: Session, order_id: str, lines: dict[str, int],
                     allotments: dict[str, PresaleAllotment], reserved_until: datetime) -> None:
    now = clock.now()
    for sku, qty in sorted(lines.items()):
        a = allotments[sku]
        if a.taken + qty > a.quota:
            raise Conflict("the pre-sale quota is sold out", code="presale_sold_out",
                           details={"sku_id": sku, "sku_ids": [sku], "requested": qty,
                                    "available": a.quota - a.taken})
        a.taken += qty
        a.updated_at = now
        session.add(StockReservation(
            id=new_id(), order_id=order_id, line_sku_id=sku, sku_id=sku, warehouse_id=None,
            quantity=qty, status=DEFERRED, reserved_until=reserved_until, created_at=now,
            updated_at=now))


def _sellable_at(session: Session, sku_ids: list[str]) -> dict[tuple[str, str], int]:
    # Columns, not entities: the rows are in the identity map from the locking read, and
    # the UPDATEs since (lapsed holds returned) bypassed it.
    level = StockLevel.__table__.c
    rows = session.execute(select(level.sku_id, level.warehouse_id,
                                  level.on_hand - level.reserved)
                           .where(level.sku_id.in_(sku_ids)))
    return {(sku, wh): units for sku, wh, units in rows}


def _locations(session: Session) -> list[allocation.Location]:
    return [allocation.Location(id=w.id, regions=tuple(w.regions or ()), priority=w.priority)
            for w in session.scalars(select(Warehouse).where(Warehouse.active.is_(True))
                                     .order_by(Warehouse.priority, Warehouse.id))]


def _order_reservations(session: Session, order_id: str,
                        statuses: tuple[str, ...]) -> list[StockReservation]:
    return list(session.scalars(
        select(StockReservation).where(StockReservation.order_id == order_id,
                                       StockReservation.status.in_(statuses))
        .order_by(StockReservation.sku_id, StockReservation.warehouse_id,
                  StockReservation.id)))


def _lock_for(session: Session, rows: list[StockReservation]) -> None:
    _lock(session, {r.sku_id for r in rows if r.warehouse_id},
          {r.sku_id for r in rows if r.warehouse_id is None})


def _held(session: Session, order_id: str, statuses: tuple[str, ...]) -> list[StockReservation]:
    """The order's holds in these states, read again once their stock rows are locked: a
    sweeper in another process may have expired some while we waited (PostgreSQL; SQLite
    writers never interleave)."""
    rows = _order_reservations(session, order_id, statuses)
    _lock_for(session, rows)
    fresh = session.scalars(
        select(StockReservation).where(StockReservation.id.in_([r.id for r in rows]))
        .execution_options(populate_existing=True))
    keep = {r.id for r in fresh if r.status in statuses}
    return [r for r in rows if r.id in keep]


def commit(*, session: Session, order_id: str, at: datetime | None = None) -> bool:
    """Payment arrived: deduct the held units. False when a hold has lapsed (its stock may
    be sold to someone else by now); the caller then refuses the payment."""
    if _order_reservations(session, order_id, (EXPIRED, RELEASED)):
        return False
    held = _held(session, order_id, (ACTIVE, DEFERRED))
    if _order_reservations(session, order_id, (EXPIRED, RELEASED)):
        return False
    now = clock.now()
    for r in held:
        if r.status == DEFERRED:
            r.status = BACKORDERED
        else:
            move(session, sku_id=r.sku_id, warehouse_id=r.warehouse_id, on_hand=-r.quantity,
                 reserved=-r.quantity, reason="deducted", order_id=order_id,
                 reservation_id=r.id, at=at)
            r.status = CONSUMED
        r.updated_at = now
    return True


def extend(*, session: Session, order_id: str, until: datetime) -> int:
    """Hold the order's units longer (a bank transfer confirms hours later); never shorter.
    Returns how many holds moved; 0 when a hold already lapsed."""
    held = _held(session, order_id, (ACTIVE, DEFERRED))
    if _order_reservations(session, order_id, (EXPIRED, RELEASED)):
        return 0
    now = clock.now()
    for r in held:
        if r.reserved_until < until:
            r.reserved_until, r.updated_at = until, now
    return len(held)


def release(*, session: Session, order_id: str, reason: str = "released") -> None:
    """Cancellation: give back whatever the order still holds (nothing if it lapsed)."""
    held = _held(session, order_id, (ACTIVE, DEFERRED, BACKORDERED))
    _give_back(session, held, RELEASED if reason == "released" else EXPIRED, reason)


def _give_back(session: Session, rows: list[StockReservation], status: str,
               reason: str) -> None:
    now = clock.now()
    quota = defaultdict(int)
    for r in rows:
        if r.warehouse_id is None:
            quota[r.sku_id] += r.quantity
        else:
            # a lapsed hold ended at its deadline, whenever a sweeper noticed
            move(session, sku_id=r.sku_id, warehouse_id=r.warehouse_id, reserved=-r.quantity,
                 reason=reason, order_id=r.order_id, reservation_id=r.id,
                 at=min(r.reserved_until, now) if status == EXPIRED else None)
        r.status = status
        r.updated_at = now
    for sku, qty in sorted(quota.items()):
        session.execute(update(PresaleAllotment).where(PresaleAllotment.sku_id == sku)
                        .values(taken=PresaleAllotment.taken - qty, updated_at=now)
                        .execution_options(synchronize_session=False))


def _expire_overdue(session: Session, *, skus: set[str]) -> int:
    """Called with the SKUs' rows locked: lapsed holds on them return before we allocate."""
    if not skus:
        return 0
    overdue = list(session.scalars(
        select(StockReservation).where(StockReservation.status.in_((ACTIVE, DEFERRED)),
                                       StockReservation.reserved_until <= clock.now(),
                                       StockReservation.sku_id.in_(sorted(skus)))
        .order_by(StockReservation.sku_id, StockReservation.warehouse_id,
                  StockReservation.id)))
    _give_back(session, overdue, EXPIRED, "expired")
    return len(overdue)


def expire_due(*, session: Session, limit: int = 500) -> int:
    """The sweeper: return every lapsed hold, whichever process made it."""
    overdue = list(session.scalars(
        select(StockReservation).where(StockReservation.status.in_((ACTIVE, DEFERRED)),
                                       StockReservation.reserved_until <= clock.now())
        .order_by(StockReservation.reserved_until).limit(limit)))
    if not overdue:
        return 0
    _lock_for(session, overdue)
    # another process may have expired some of them while we waited for the locks
    fresh = [r for r in overdue if _still(session, r, (ACTIVE, DEFERRED))]
    fresh.sort(key=lambda r: (r.sku_id, r.warehouse_id or "", r.id))
    _give_back(session, fresh, EXPIRED, "expired")
    return len(fresh)


def _still(session: Session, r: StockReservation, statuses: tuple[str, ...]) -> bool:
    session.refresh(r)
    return r.status in statuses


def restock_return(*, session: Session, order_id: str, line_sku_id: str, quantity: int,
                   actor_id: str | None = None, warehouse_id: str | None = None,
                   reason: str = "returned") -> None:
    """An accepted return (or goods stopped before shipping, reason "intercepted"): the
    units go back on hand where they left from (``warehouse_id``: only that location's
    part of a split line); a bundle comes back as its components. Never more than was
    deducted for the line."""
    rows = [r for r in _order_reservations(session, order_id, (CONSUMED,))
            if r.line_sku_id == line_sku_id and (
                warehouse_id is None or r.warehouse_id == warehouse_id
                or r.sku_id != line_sku_id)]
    if not rows:
        raise Conflict("nothing of this SKU was deducted for the order",
                       code="nothing_to_return")
    _lock_for(session, rows)
    per_unit = components_of(session, [line_sku_id]).get(line_sku_id, {line_sku_id: 1})
    back = _returned(session, [r.id for r in rows])
    room = {r.id: r.quantity - back.get(r.id, 0) for r in rows}
    returnable = min(sum(room[r.id] for r in rows if r.sku_id == comp) // per
                     for comp, per in per_unit.items())
    if quantity > returnable:
        raise Conflict("more returned than was sold", code="return_exceeds_sold",
                       details={"returnable": returnable})
    for comp, per in sorted(per_unit.items()):
        left = quantity * per
        for r in rows:
            take = min(room[r.id], left) if r.sku_id == comp else 0
            if take > 0:
                move(session, sku_id=comp, warehouse_id=r.warehouse_id, on_hand=take,
                     reason=reason, order_id=order_id, reservation_id=r.id,
                     actor_id=actor_id)
                left -= take


def _returned(session: Session, reservation_ids: list[str]) -> dict[str, int]:
    """Units already restocked per reservation, from the ledger (the one source of truth)."""
    rows = session.execute(
        select(StockMovement.reservation_id, func.sum(StockMovement.on_hand_delta))
        .where(StockMovement.reservation_id.in_(reservation_ids),
               StockMovement.reason.in_(("returned", "intercepted")))
        .group_by(StockMovement.reservation_id))
    return {rid: int(total) for rid, total in rows}


def allocate_presales(*, session: Session, today: date,
                      strategy: allocation.Strategy = allocation.prefer_single_location,
                      limit: int = 200) -> int:
    """Paid pre-sale lines whose ship-from date has come take stock from a location;
    those that cannot yet stay backordered."""
    due = list(session.scalars(
        select(StockReservation).join(PresaleAllotment,
                                      PresaleAllotment.sku_id == StockReservation.sku_id)
        .where(StockReservation.status == BACKORDERED, PresaleAllotment.ship_from_date <= today)
        .order_by(StockReservation.created_at, StockReservation.id).limit(limit)))
    # first come first served within a SKU, SKUs in lock order across them
    due.sort(key=lambda r: r.sku_id)
    done = 0
    for r in due:
        _lock(session, {r.sku_id}, set())
        if not _still(session, r, (BACKORDERED,)):
            continue
        locations = _locations(session)
        stock = _sellable_at(session, [r.sku_id])
        try:
            plan = strategy(demand={r.sku_id: r.quantity}, region=None, locations=locations,
                            stock=stock)
        except allocation.InsufficientStock:
            continue
        if len(plan[r.sku_id]) != 1:
            continue  # a pre-sale line ships whole from one place; wait for stock
        wh, _ = plan[r.sku_id][0]
        move(session, sku_id=r.sku_id, warehouse_id=wh, on_hand=-r.quantity,
             reason="deducted", order_id=r.order_id, reservation_id=r.id)
        r.warehouse_id, r.status, r.updated_at = wh, CONSUMED, clock.now()
        ship = session.get(PresaleAllotment, r.sku_id).ship_from_date
        emit(session=session, event=PresaleAllocated(payload=PresaleAllocatedPayload(
            order_id=r.order_id, sku_id=r.sku_id, warehouse_id=wh, quantity=r.quantity,
            ship_from_date=ship), occurred_at=clock.now()))
        done += 1
    return done
