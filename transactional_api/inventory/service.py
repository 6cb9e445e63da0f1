"""Inventory's public functions: locations, levels, sellable units, the ledger, stock-takes
and low-stock alerts. Reservations live in reservations.py and are re-exported here.

Every level change goes through ledger.move(), so the ledger always sums to the levels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.catalog_events import StockMoved, StockMovedPayload
from transactional_api.events.outbox import emit_many
from transactional_api.inventory.ledger import move
from transactional_api.inventory.locations import line_locations  # noqa: F401
from transactional_api.inventory.models import (
    DEFAULT_WAREHOUSE,
    BundleComponent,
    PresaleAllotment,
    StockLevel,
    StockMovement,
    Warehouse,
)
from transactional_api.inventory.reservations import (  # noqa: F401 (the public surface)
    allocate_presales,
    commit,
    components_of,
    expire_due,
    extend,
    release,
    reserve,
    restock_return,
)


# --- locations -------------------------------------------------------------------------
def list_warehouses(*, session: Session) -> list[Warehouse]:
    return list(session.scalars(select(Warehouse).order_by(Warehouse.priority, Warehouse.code)))


def create_warehouse(*, session: Session, code: str, name: str, kind: str,
                     regions: list[str], priority: int) -> Warehouse:
    if session.scalar(select(Warehouse.id).where(Warehouse.code == code)):
        raise Conflict("warehouse code already used", code="warehouse_code_taken")
    wh = Warehouse(code=code, name=name, kind=kind, regions=sorted(set(regions)),
                   priority=priority, active=True, created_at=clock.now())
    session.add(wh)
    session.flush()
    return wh


def _warehouse(session: Session, warehouse_id: str) -> Warehouse:
    wh = session.get(Warehouse, warehouse_id)
    if wh is None:
        raise NotFound("warehouse not found")
    return wh


# --- levels ----------------------------------------------------------------------------
def _level(session: Session, sku_id: str, warehouse_id: str) -> StockLevel:
    """The row, locked; created empty when the SKU has never been stocked there."""
    level = session.scalar(select(StockLevel).where(
        StockLevel.sku_id == sku_id, StockLevel.warehouse_id == warehouse_id)
        .with_for_update().execution_options(populate_existing=True))
    if level is None:
        level = StockLevel(sku_id=sku_id, warehouse_id=warehouse_id, on_hand=0, reserved=0,
                           safety_stock=0, updated_at=clock.now())
        session.add(level)
        session.flush()
    return level


def set_sellable(*, session: Session, sku_id: str, sellable: int,
                 warehouse_id: str = DEFAULT_WAREHOUSE, reason: str = "adjustment",
                 actor_id: str | None = None) -> None:
    """Make on_hand - reserved equal ``sellable`` at one location (reservations stay held)."""
    _warehouse(session, warehouse_id)
    level = _level(session, sku_id, warehouse_id)
    delta = sellable - (level.on_hand - level.reserved)
    if delta:
        move(session, sku_id=sku_id, warehouse_id=warehouse_id, on_hand=delta, reason=reason,
             actor_id=actor_id)


def receive(*, session: Session, sku_id: str, warehouse_id: str, quantity: int,
            actor_id: str | None = None, note: str | None = None) -> None:
    _warehouse(session, warehouse_id)
    _level(session, sku_id, warehouse_id)
    move(session, sku_id=sku_id, warehouse_id=warehouse_id, on_hand=quantity,
         reason="receipt", actor_id=actor_id, note=note)


def ensure_level(*, session: Session, sku_id: str, warehouse_id: str) -> None:
    """Lock the SKU's stock row at the location (created empty if new), so another domain
    can then add units through ledger.move with its own reason (procurement's receipts)."""
    _warehouse(session, warehouse_id)
    _level(session, sku_id, warehouse_id)


def set_safety_stock(*, session: Session, sku_id: str, warehouse_id: str, safety_stock: int
                     ) -> None:
    _warehouse(session, warehouse_id)
    level = _level(session, sku_id, warehouse_id)
    level.safety_stock = safety_stock
    level.updated_at = clock.now()


def stocktake(*, session: Session, warehouse_id: str, counts: dict[str, int],
              actor_id: str | None, note: str | None) -> list[dict]:
    """Counted units replace on_hand, each difference recorded as a movement. A count below
    what is reserved for unpaid orders is refused: cancel those orders first."""
    _warehouse(session, warehouse_id)
    levels = {sku: _level(session, sku, warehouse_id) for sku in sorted(counts)}
    short = sorted(s for s, c in counts.items() if c < levels[s].reserved)
    if short:
        raise Conflict("a count is below the units reserved for open orders",
                       code="count_below_reserved",
                       details={"sku_ids": short,
                                "reserved": {s: levels[s].reserved for s in short}})
    out = []
    for sku in sorted(counts):
        delta = counts[sku] - levels[sku].on_hand
        if delta:
            move(session, sku_id=sku, warehouse_id=warehouse_id, on_hand=delta,
                 reason="stocktake", actor_id=actor_id, note=note)
        out.append({"sku_id": sku, "counted": counts[sku], "difference": delta})
    return out


def bulk_receive(*, session: Session, rows: Iterable[tuple[str, str, int]],
                 reason: str = "initial") -> int:
    """Opening stock for SKUs new to these locations, in bulk (imports): levels, ledger
    rows and events with a few statements instead of one round trip per SKU."""
    rows = [(s, w, q) for s, w, q in rows if q >= 0]
    if not rows:
        return 0
    now = clock.now()
    session.execute(insert(StockLevel), [
        {"sku_id": s, "warehouse_id": w, "on_hand": q, "reserved": 0, "safety_stock": 0,
         "updated_at": now} for s, w, q in rows])
    stocked = [(s, w, q) for s, w, q in rows if q]
    if stocked:
        ids = session.execute(insert(StockMovement).returning(
            StockMovement.id, StockMovement.sku_id, StockMovement.warehouse_id,
            StockMovement.on_hand_delta, sort_by_parameter_order=True), [
            {"sku_id": s, "warehouse_id": w, "on_hand_delta": q, "reserved_delta": 0,
             "reason": reason, "created_at": now} for s, w, q in stocked]).all()
        emit_many(session=session, events=(
            StockMoved(occurred_at=now, payload=StockMovedPayload(
                movement_id=mid, sku_id=s, warehouse_id=w, on_hand_delta=q, reserved_delta=0,
                reason=reason)) for mid, s, w, q in ids))
    return len(rows)


# --- reading ---------------------------------------------------------------------------
def sellable(*, session: Session, sku_ids: list[str]) -> dict[str, int]:
    """Units that can be sold now over all active locations: a bundle as many as its
    scarcest component allows, a pre-sale SKU what is left of its quota."""
    return stock_view(session=session, sku_ids=sku_ids)[0]


def stock_view(*, session: Session, sku_ids: list[str], kinds: dict[str, str] | None = None
               ) -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, PresaleAllotment]]:
    """(sellable units, bundle components, pre-sale allotments) of the SKUs: what a product
    page shows. ``kinds`` (from the catalog) spares the lookups plain SKUs do not need."""
    ids = list(dict.fromkeys(sku_ids))
    if not ids:
        return {}, {}, {}
    of_kind = (lambda k: [s for s in ids if kinds.get(s) == k]) if kinds is not None \
        else (lambda k: ids)
    bundles = components_of(session, of_kind("bundle")) if of_kind("bundle") else {}
    allotments = presale_info(session=session, sku_ids=of_kind("presale")) \
        if of_kind("presale") else {}
    plain = {c for parts in bundles.values() for c in parts} | set(ids)
    rows = session.execute(
        select(StockLevel.sku_id, func.sum(StockLevel.on_hand - StockLevel.reserved))
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.sku_id.in_(sorted(plain)), Warehouse.active.is_(True))
        .group_by(StockLevel.sku_id))
    units = {sku: int(total or 0) for sku, total in rows}
    out = {}
    for sku in ids:
        if sku in allotments:
            out[sku] = allotments[sku].quota - allotments[sku].taken
        elif sku in bundles:
            out[sku] = min(units.get(c, 0) // q for c, q in bundles[sku].items())
        else:
            out[sku] = units.get(sku, 0)
    return out, bundles, allotments


def levels(*, session: Session, sku_ids: list[str]) -> list[StockLevel]:
    return list(session.scalars(select(StockLevel).where(StockLevel.sku_id.in_(sku_ids))
                                .order_by(StockLevel.sku_id, StockLevel.warehouse_id)))


def changed_skus_since(*, session: Session, since: datetime) -> list[str]:
    """SKUs whose sellable units may have changed after ``since`` (bundles included)."""
    direct = set(session.scalars(select(StockLevel.sku_id).where(StockLevel.updated_at > since)))
    direct |= set(session.scalars(select(PresaleAllotment.sku_id).where(
        PresaleAllotment.updated_at > since)))
    if direct:
        direct |= set(session.scalars(select(BundleComponent.bundle_sku_id).where(
            BundleComponent.component_sku_id.in_(sorted(direct)))))
    return sorted(direct)


def low_stock(*, session: Session, limit: int = 500) -> list[StockLevel]:
    """Levels at or below their safety stock: what the operator should replenish now."""
    return list(session.scalars(
        select(StockLevel).where(StockLevel.safety_stock > 0,
                                 StockLevel.on_hand - StockLevel.reserved
                                 <= StockLevel.safety_stock)
        .order_by(StockLevel.on_hand - StockLevel.reserved - StockLevel.safety_stock,
                  StockLevel.sku_id).limit(limit)))


def ledger_mismatches(*, session: Session) -> list[dict]:
    """Levels the ledger does not sum to: empty unless something bypassed move()."""
    sums = {(s, w): (int(h or 0), int(r or 0)) for s, w, h, r in session.execute(
        select(StockMovement.sku_id, StockMovement.warehouse_id,
               func.sum(StockMovement.on_hand_delta), func.sum(StockMovement.reserved_delta))
        .group_by(StockMovement.sku_id, StockMovement.warehouse_id))}
    out = []
    for lv in session.scalars(select(StockLevel)):
        want = sums.pop((lv.sku_id, lv.warehouse_id), (0, 0))
        if want != (lv.on_hand, lv.reserved):
            out.append({"sku_id": lv.sku_id, "warehouse_id": lv.warehouse_id,
                        "level": [lv.on_hand, lv.reserved], "ledger": list(want)})
    out += [{"sku_id": s, "warehouse_id": w, "level": None, "ledger": list(v)}
            for (s, w), v in sums.items() if v != (0, 0)]
    return out


# --- bundles and pre-sale ---------------------------------------------------------------
def set_bundle(*, session: Session, bundle_sku_id: str, components: dict[str, int]) -> None:
    if not components or bundle_sku_id in components:
        raise Unprocessable("a bundle needs components other than itself",
                            code="invalid_bundle")
    nested = components_of(session, sorted(components))
    if nested:
        raise Unprocessable("a bundle cannot contain another bundle", code="nested_bundle",
                            details={"sku_ids": sorted(nested)})
    for comp, qty in sorted(components.items()):
        session.add(BundleComponent(bundle_sku_id=bundle_sku_id, component_sku_id=comp,
                                    quantity=qty))
    session.flush()


def set_presale(*, session: Session, sku_id: str, quota: int, ship_from_date: date) -> None:
    a = session.get(PresaleAllotment, sku_id, with_for_update=True)
    if a is None:
        session.add(PresaleAllotment(sku_id=sku_id, quota=quota, taken=0,
                                     ship_from_date=ship_from_date, updated_at=clock.now()))
    elif quota < a.taken:
        raise Conflict("the quota is below what is already sold", code="quota_below_taken",
                       details={"taken": a.taken})
    else:
        a.quota, a.ship_from_date, a.updated_at = quota, ship_from_date, clock.now()
    session.flush()


def presale_info(*, session: Session, sku_ids: list[str]) -> dict[str, PresaleAllotment]:
    return {a.sku_id: a for a in session.scalars(
        select(PresaleAllotment).where(PresaleAllotment.sku_id.in_(sku_ids)))}


def units_by_location(*, session: Session, sku_ids: list[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for lv in levels(session=session, sku_ids=sku_ids):
        out[lv.sku_id][lv.warehouse_id] = lv.on_hand - lv.reserved
    return dict(out)


def plain_skus_in_stock(*, session: Session) -> set[str]:
    """SKUs with sellable units over active locations, one query over the levels (bundles
    and pre-sales need ``sellable``): what recommendations may show."""
    return set(session.scalars(
        select(StockLevel.sku_id).join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(Warehouse.active.is_(True)).group_by(StockLevel.sku_id)
        .having(func.sum(StockLevel.on_hand - StockLevel.reserved) > 0)))
