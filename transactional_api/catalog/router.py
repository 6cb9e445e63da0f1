from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from transactional_api.catalog import service
from transactional_api.catalog.schemas import (
    AuditOut,
    BrandIn,
    BrandOut,
    CategoryIn,
    CategoryList,
    CategoryOut,
    LabelsIn,
    Lifecycle,
    MerchantIn,
    MerchantOut,
    PriceIn,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    SkuIn,
    SkuOut,
    StatusChangeOut,
    StockIn,
    TransitionIn,
)
from transactional_api.core.deps import CatalogCaller, Db, ReadDb, SettingsDep
from transactional_api.markets import display as market_display
from transactional_api.markets.display import MarketParam
from transactional_api.translations import service as translations
from transactional_api.translations.deps import Lang, say_language

router = APIRouter(tags=["catalog"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _cat(c) -> CategoryOut:
    return CategoryOut(id=c.id, parent_id=c.parent_id, name=c.name, slug=c.slug, path=c.path,
                       depth=c.depth)


def _merchant(m) -> MerchantOut:
    return MerchantOut(id=m.id, slug=m.slug, name=m.name, region=m.region, city=m.city,
                       status=m.status)


@router.get("/v1/categories", response_model=CategoryList)
def categories(db: ReadDb, lang: Lang, response: Response) -> CategoryList:
    items = [_cat(c) for c in service.list_categories(session=db)]
    items = translations.localize(db, "category", items, ("name",), lang)
    say_language(response, lang)
    return CategoryList(items=items)


@router.get("/v1/brands", response_model=list[BrandOut])
def brands(db: ReadDb, lang: Lang, response: Response) -> list[BrandOut]:
    items = [BrandOut(id=b.id, slug=b.slug, name=b.name)
             for b in service.list_brands(session=db)]
    items = translations.localize(db, "brand", items, ("name",), lang)
    say_language(response, lang)
    return items


@router.get("/v1/merchants", response_model=list[MerchantOut])
def merchants(db: ReadDb, limit: Limit = 100, offset: Offset = 0) -> list[MerchantOut]:
    return [_merchant(m) for m in service.list_merchants(session=db, limit=limit, offset=offset)]


@router.get("/v1/products", response_model=ProductPage)
def products(
    db: ReadDb, lang: Lang, response: Response, market: MarketParam,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category_id: Annotated[str | None, Query(max_length=36)] = None,
    merchant_id: Annotated[str | None, Query(max_length=36)] = None,
    limit: Limit = 20, offset: Offset = 0,
) -> ProductPage:
    items, total = service.search_products(session=db, q=q, category_id=category_id,
                                           merchant_id=merchant_id, limit=limit, offset=offset)
    items = translations.localize(db, "product", items, ("name", "description"), lang)
    items = market_display.localize_products(db, items, market)
    say_language(response, lang)
    return ProductPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/v1/products/{product_id}", response_model=ProductOut)
def product(product_id: IdPath, db: ReadDb, lang: Lang, response: Response,
            market: MarketParam) -> ProductOut:
    out = service.get_product(session=db, product_id=product_id)
    out = translations.localize(db, "product", [out], ("name", "description"), lang)[0]
    out = market_display.localize_products(db, [out], market)[0]
    say_language(response, lang)
    return out


@router.post("/v1/admin/categories", status_code=201, response_model=CategoryOut)
def create_category(body: CategoryIn, db: Db, _: CatalogCaller) -> CategoryOut:
    with db.begin():
        return _cat(service.create_category(session=db, data=body))


@router.post("/v1/admin/merchants", status_code=201, response_model=MerchantOut)
def create_merchant(body: MerchantIn, db: Db, _: CatalogCaller) -> MerchantOut:
    with db.begin():
        return _merchant(service.create_merchant(session=db, data=body))


@router.post("/v1/admin/brands", status_code=201, response_model=BrandOut)
def create_brand(body: BrandIn, db: Db, _: CatalogCaller) -> BrandOut:
    with db.begin():
        b = service.create_brand(session=db, data=body)
        return BrandOut(id=b.id, slug=b.slug, name=b.name)


@router.post("/v1/admin/products", status_code=201, response_model=ProductOut)
def create_product(body: ProductIn, db: Db, settings: SettingsDep,
                   caller: CatalogCaller) -> ProductOut:
    with db.begin():
        return service.create_product(session=db, data=body, actor_id=caller.id,
                                      currency=settings.default_currency)


@router.get("/v1/admin/products", response_model=ProductPage)
def admin_products(
    db: ReadDb, _: CatalogCaller,
    status: Lifecycle | None = None,
    merchant_id: Annotated[str | None, Query(max_length=36)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 20, offset: Offset = 0,
) -> ProductPage:
    """The review queue is ?status=pending_review."""
    items, total = service.search_products(session=db, q=q, category_id=None, status=status,
                                           merchant_id=merchant_id, limit=limit, offset=offset)
    return ProductPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/v1/admin/products/{product_id}", response_model=ProductOut)
def admin_product(product_id: IdPath, db: ReadDb, _: CatalogCaller) -> ProductOut:
    return service.get_product(session=db, product_id=product_id, operator=True)


@router.patch("/v1/admin/products/{product_id}", response_model=ProductOut)
def update_product(product_id: IdPath, body: ProductPatch, db: Db,
                   _: CatalogCaller) -> ProductOut:
    with db.begin():
        return service.update_product(session=db, product_id=product_id, data=body)


@router.put("/v1/admin/products/{product_id}/labels", response_model=ProductOut)
def set_labels(product_id: IdPath, body: LabelsIn, db: Db, _: CatalogCaller) -> ProductOut:
    with db.begin():
        return service.set_labels(session=db, product_id=product_id, labels=body.labels)


@router.post("/v1/admin/products/{product_id}/skus", status_code=201, response_model=ProductOut)
def add_sku(product_id: IdPath, body: SkuIn, db: Db, settings: SettingsDep,
            _: CatalogCaller) -> ProductOut:
    with db.begin():
        return service.add_sku(session=db, product_id=product_id, data=body,
                               currency=settings.default_currency)


@router.post("/v1/admin/products/{product_id}/transitions", response_model=ProductOut)
def transition(product_id: IdPath, body: TransitionIn, db: Db,
               caller: CatalogCaller) -> ProductOut:
    """submit (draft|delisted -> pending_review), approve (-> listed), reject (-> draft,
    reason required), delist (listed -> delisted, reason required), relist."""
    with db.begin():
        service.transition(session=db, product_id=product_id, action=body.action,
                           reason=body.reason, actor_id=caller.id)
        return service.get_product(session=db, product_id=product_id, operator=True)


@router.get("/v1/admin/products/{product_id}/audit", response_model=AuditOut)
def audit(product_id: IdPath, db: ReadDb, _: CatalogCaller) -> AuditOut:
    product, changes = service.audit(session=db, product_id=product_id)
    return AuditOut(product_id=product.id, status=product.status, changes=[
        StatusChangeOut(action=c.action, from_status=c.from_status, to_status=c.to_status,
                        reason=c.reason, actor_id=c.actor_id, created_at=c.created_at)
        for c in changes])


@router.put("/v1/admin/skus/{sku_id}/stock", response_model=SkuOut)
def set_stock(sku_id: IdPath, body: StockIn, db: Db, caller: CatalogCaller) -> SkuOut:
    """Sellable units at the default warehouse; per-location stock is under /v1/admin/stock."""
    with db.begin():
        return service.set_stock(session=db, sku_id=sku_id, available=body.available,
                                 actor_id=caller.id)


@router.put("/v1/admin/skus/{sku_id}/price", response_model=SkuOut)
def set_price(sku_id: IdPath, body: PriceIn, db: Db, _: CatalogCaller) -> SkuOut:
    with db.begin():
        return service.set_price(session=db, sku_id=sku_id, price_cents=body.price_cents)
