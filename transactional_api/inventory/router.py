"""Operators' stock endpoints: locations, receipts, safety stock, stock-takes, alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.deps import CatalogCaller, Db, ReadDb
from transactional_api.inventory import service
from transactional_api.inventory.schemas import (
    CountedOut,
    CountOut,
    LedgerCheckOut,
    LevelOut,
    ReceiptIn,
    SafetyStockIn,
    StocktakeIn,
    WarehouseIn,
    WarehouseOut,
)

router = APIRouter(tags=["inventory"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]


def _wh(w) -> WarehouseOut:
    return WarehouseOut(id=w.id, code=w.code, name=w.name, kind=w.kind,
                        regions=list(w.regions or []), priority=w.priority, active=w.active)


def _level(lv) -> LevelOut:
    return LevelOut(sku_id=lv.sku_id, warehouse_id=lv.warehouse_id, on_hand=lv.on_hand,
                    reserved=lv.reserved, sellable=lv.on_hand - lv.reserved,
                    safety_stock=lv.safety_stock)


@router.get("/v1/admin/warehouses", response_model=list[WarehouseOut])
def warehouses(db: ReadDb, _: CatalogCaller) -> list[WarehouseOut]:
    return [_wh(w) for w in service.list_warehouses(session=db)]


@router.post("/v1/admin/warehouses", status_code=201, response_model=WarehouseOut)
def create_warehouse(body: WarehouseIn, db: Db, _: CatalogCaller) -> WarehouseOut:
    with db.begin():
        return _wh(service.create_warehouse(session=db, code=body.code, name=body.name,
                                            kind=body.kind, regions=body.regions,
                                            priority=body.priority))


@router.get("/v1/admin/stock", response_model=list[LevelOut])
def stock(db: ReadDb, _: CatalogCaller,
          sku_id: Annotated[list[str], Query(min_length=1, max_length=200)]) -> list[LevelOut]:
    return [_level(lv) for lv in service.levels(session=db, sku_ids=sku_id)]


@router.post("/v1/admin/stock/receipts", status_code=201, response_model=list[LevelOut])
def receive(body: ReceiptIn, db: Db, caller: CatalogCaller) -> list[LevelOut]:
    with db.begin():
        catalog.require_stocked_sku(session=db, sku_id=body.sku_id)
        service.receive(session=db, sku_id=body.sku_id, warehouse_id=body.warehouse_id,
                        quantity=body.quantity, actor_id=caller.id, note=body.note)
        return [_level(lv) for lv in service.levels(session=db, sku_ids=[body.sku_id])]


@router.put("/v1/admin/stock/{sku_id}/{warehouse_id}/safety-stock", response_model=LevelOut)
def safety_stock(sku_id: IdPath, warehouse_id: IdPath, body: SafetyStockIn, db: Db,
                 _: CatalogCaller) -> LevelOut:
    with db.begin():
        catalog.require_stocked_sku(session=db, sku_id=sku_id)
        service.set_safety_stock(session=db, sku_id=sku_id, warehouse_id=warehouse_id,
                                 safety_stock=body.safety_stock)
        return next(_level(lv) for lv in service.levels(session=db, sku_ids=[sku_id])
                    if lv.warehouse_id == warehouse_id)


@router.post("/v1/admin/warehouses/{warehouse_id}/stocktakes", response_model=list[CountOut])
def stocktake(warehouse_id: IdPath, body: StocktakeIn, db: Db,
              caller: CatalogCaller) -> list[CountOut]:
    """Counted units replace on-hand; each difference is a ledger movement."""
    counts = {c.sku_id: c.counted for c in body.counts}
    with db.begin():
        for sku_id in sorted(counts):
            catalog.require_stocked_sku(session=db, sku_id=sku_id)
        rows = service.stocktake(session=db, warehouse_id=warehouse_id, counts=counts,
                                 actor_id=caller.id, note=body.note)
        return [CountOut(**r) for r in rows]


@router.get("/v1/admin/stock/alerts", response_model=list[LevelOut])
def alerts(db: ReadDb, _: CatalogCaller,
           limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[LevelOut]:
    """Locations where sellable units are at or below the safety stock."""
    return [_level(lv) for lv in service.low_stock(session=db, limit=limit)]


@router.get("/v1/admin/stock/ledger-check", response_model=LedgerCheckOut)
def ledger_check(db: ReadDb, _: CatalogCaller) -> LedgerCheckOut:
    bad = service.ledger_mismatches(session=db)
    return LedgerCheckOut(consistent=not bad, mismatches=bad[:100])


@router.post("/v1/admin/stock/expire-reservations", response_model=CountedOut)
def expire(db: Db, _: CatalogCaller) -> CountedOut:
    with db.begin():
        return CountedOut(count=service.expire_due(session=db))


@router.post("/v1/admin/stock/allocate-presales", response_model=CountedOut)
def allocate_presales(db: Db, _: CatalogCaller) -> CountedOut:
    with db.begin():
        return CountedOut(count=service.allocate_presales(session=db,
                                                          today=clock.now().date()))
