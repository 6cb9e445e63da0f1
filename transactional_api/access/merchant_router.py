"""Merchant staff's own back office: their products (price, stock, labels, details) and
their sub-orders (pick, pack, ship). The merchant is the one on the caller's grant, never
a client parameter; another merchant's ids answer 404 like ids that do not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from transactional_api.access import merchant_service as svc
from transactional_api.access.schemas import (
    MerchantSubOrderOut,
    SubOrderLineOut,
    SubOrderPage,
    SubOrderStepIn,
)
from transactional_api.catalog.schemas import (
    LabelsIn,
    Lifecycle,
    PriceIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    SkuOut,
    StockIn,
)
from transactional_api.core import clock
from transactional_api.core.deps import Db, MerchantCatalogCaller, MerchantOrdersCaller, ReadDb
from transactional_api.core.errors import Unprocessable
from transactional_api.fulfillment.router import shipment_out
from transactional_api.fulfillment.schemas import ShipmentIn, ShipmentOut
from transactional_api.orders.router import sub_order_out
from transactional_api.orders.schemas import SubOrderOut

router = APIRouter(tags=["merchant"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
SubStatus = Annotated[str | None, Query(pattern="^[a-z_]{1,24}$")]


@router.get("/v1/merchant/products", response_model=ProductPage)
def products(db: ReadDb, caller: MerchantCatalogCaller, status: Lifecycle | None = None,
             q: Annotated[str | None, Query(max_length=200)] = None,
             limit: Limit = 20, offset: Offset = 0) -> ProductPage:
    """The merchant's own products in every lifecycle status (or ?status=)."""
    with db.begin():
        items, total = svc.list_products(session=db, merchant_id=caller.merchant_id,
                                         status=status, q=q, limit=limit, offset=offset)
    return ProductPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/v1/merchant/products/{product_id}", response_model=ProductOut)
def product(product_id: IdPath, db: ReadDb, caller: MerchantCatalogCaller) -> ProductOut:
    with db.begin():
        return svc.own_product(session=db, merchant_id=caller.merchant_id,
                               product_id=product_id)


@router.patch("/v1/merchant/products/{product_id}", response_model=ProductOut)
def update_product(product_id: IdPath, body: ProductPatch, db: Db,
                   caller: MerchantCatalogCaller) -> ProductOut:
    with db.begin():
        return svc.update_product(session=db, merchant_id=caller.merchant_id,
                                  product_id=product_id, data=body)


@router.put("/v1/merchant/products/{product_id}/labels", response_model=ProductOut)
def set_labels(product_id: IdPath, body: LabelsIn, db: Db,
               caller: MerchantCatalogCaller) -> ProductOut:
    with db.begin():
        return svc.set_labels(session=db, merchant_id=caller.merchant_id,
                              product_id=product_id, labels=body.labels)


@router.put("/v1/merchant/products/{product_id}/skus/{sku_id}/price", response_model=SkuOut)
def set_price(product_id: IdPath, sku_id: IdPath, body: PriceIn, db: Db,
              caller: MerchantCatalogCaller) -> SkuOut:
    """New carts and orders see it; placed orders keep the price they snapshotted."""
    with db.begin():
        return svc.set_price(session=db, merchant_id=caller.merchant_id,
                             product_id=product_id, sku_id=sku_id,
                             price_cents=body.price_cents)


@router.put("/v1/merchant/products/{product_id}/skus/{sku_id}/stock", response_model=SkuOut)
def set_stock(product_id: IdPath, sku_id: IdPath, body: StockIn, db: Db,
              caller: MerchantCatalogCaller) -> SkuOut:
    """Sellable units at the default location, through the stock ledger."""
    with db.begin():
        return svc.set_stock(session=db, merchant_id=caller.merchant_id,
                             product_id=product_id, sku_id=sku_id,
                             available=body.available, actor_id=caller.id)


@router.get("/v1/merchant/sub-orders", response_model=SubOrderPage)
def sub_orders(db: ReadDb, caller: MerchantOrdersCaller, status: SubStatus = None,
               limit: Limit = 50, offset: Offset = 0) -> SubOrderPage:
    """The merchant's own sub-orders, newest first (?status=packed: ready to ship)."""
    with db.begin():
        subs, total = svc.list_sub_orders(session=db, merchant_id=caller.merchant_id,
                                          status=status, limit=limit, offset=offset)
        return SubOrderPage(items=[sub_order_out(s) for s in subs], total=total, limit=limit,
                            offset=offset)


@router.get("/v1/merchant/sub-orders/{sub_order_id}", response_model=MerchantSubOrderOut)
def sub_order(sub_order_id: IdPath, db: ReadDb,
              caller: MerchantOrdersCaller) -> MerchantSubOrderOut:
    """The sub-order with the lines to pick and pack (no buyer details)."""
    with db.begin():
        sub = svc.own_sub_order(session=db, merchant_id=caller.merchant_id,
                                sub_order_id=sub_order_id)
        return MerchantSubOrderOut(
            **sub_order_out(sub).model_dump(),
            lines=[SubOrderLineOut.model_validate(i)
                   for i in svc.sub_order_lines(session=db, sub=sub)])


@router.post("/v1/merchant/sub-orders/{sub_order_id}/transitions", response_model=SubOrderOut)
def transition(sub_order_id: IdPath, body: SubOrderStepIn, db: Db,
               caller: MerchantOrdersCaller) -> SubOrderOut:
    """allocated -> picking -> packed; anything else is 409 illegal_transition."""
    with db.begin():
        return sub_order_out(svc.advance_sub_order(
            session=db, merchant_id=caller.merchant_id, sub_order_id=sub_order_id,
            to=body.to))


@router.post("/v1/merchant/shipments", status_code=201, response_model=ShipmentOut)
def ship(body: ShipmentIn, db: Db, request: Request,
         caller: MerchantOrdersCaller) -> ShipmentOut:
    """Ship own packed sub-orders with a carrier (moves them to shipped)."""
    carrier = request.app.state.carriers.get(body.carrier)
    if carrier is None:
        raise Unprocessable(f"carrier {body.carrier!r} is not enabled", code="unknown_carrier",
                            details={"enabled": sorted(request.app.state.carriers)})
    with db.begin():
        return shipment_out(svc.ship(session=db, merchant_id=caller.merchant_id,
                                     carrier=carrier, sub_order_ids=body.sub_order_ids,
                                     tracking_number=body.tracking_number, at=clock.now()))
