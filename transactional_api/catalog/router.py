from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from transactional_api.catalog import service
from transactional_api.catalog.schemas import (
    CategoryIn,
    CategoryList,
    CategoryOut,
    PriceIn,
    ProductIn,
    ProductOut,
    ProductPage,
    SkuOut,
    StockIn,
)
from transactional_api.core.deps import AdminCaller, Db, ReadDb, SettingsDep

router = APIRouter(tags=["catalog"])


def _cat(c) -> CategoryOut:
    return CategoryOut(id=c.id, parent_id=c.parent_id, name=c.name, slug=c.slug)


@router.get("/v1/categories", response_model=CategoryList)
def categories(db: ReadDb) -> CategoryList:
    return CategoryList(items=[_cat(c) for c in service.list_categories(session=db)])


@router.get("/v1/products", response_model=ProductPage)
def products(
    db: ReadDb,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category_id: Annotated[str | None, Query(max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ProductPage:
    items, total = service.search_products(session=db, q=q, category_id=category_id,
                                           limit=limit, offset=offset)
    return ProductPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/v1/products/{product_id}", response_model=ProductOut)
def product(product_id: str, db: ReadDb) -> ProductOut:
    return service.get_product(session=db, product_id=product_id)


@router.post("/v1/admin/categories", status_code=201, response_model=CategoryOut)
def create_category(body: CategoryIn, db: Db, _: AdminCaller) -> CategoryOut:
    with db.begin():
        return _cat(service.create_category(session=db, data=body))


@router.post("/v1/admin/products", status_code=201, response_model=ProductOut)
def create_product(body: ProductIn, db: Db, settings: SettingsDep, _: AdminCaller) -> ProductOut:
    with db.begin():
        return service.create_product(session=db, data=body, currency=settings.default_currency)


@router.put("/v1/admin/skus/{sku_id}/stock", response_model=SkuOut)
def set_stock(sku_id: str, body: StockIn, db: Db, _: AdminCaller) -> SkuOut:
    with db.begin():
        return service.set_stock(session=db, sku_id=sku_id, available=body.available)


@router.put("/v1/admin/skus/{sku_id}/price", response_model=SkuOut)
def set_price(sku_id: str, body: PriceIn, db: Db, _: AdminCaller) -> SkuOut:
    with db.begin():
        return service.set_price(session=db, sku_id=sku_id, price_cents=body.price_cents)
