from __future__ import annotations

from fastapi import APIRouter, Path

from transactional_api.cart import service
from transactional_api.cart.schemas import CartItemIn, CartOut, CartQuantityIn
from transactional_api.core.deps import CurrentCaller, Db, SettingsDep

router = APIRouter(tags=["cart"])
SkuPath = Path(min_length=1, max_length=36)


@router.get("/v1/cart", response_model=CartOut)
def get_cart(db: Db, caller: CurrentCaller, settings: SettingsDep) -> CartOut:
    with db.begin():
        return service.view(session=db, user_id=caller.id, currency=settings.default_currency)


@router.post("/v1/cart/items", response_model=CartOut)
def add_item(body: CartItemIn, db: Db, caller: CurrentCaller, settings: SettingsDep) -> CartOut:
    with db.begin():
        service.add_item(session=db, user_id=caller.id, sku_id=body.sku_id,
                         quantity=body.quantity)
        return service.view(session=db, user_id=caller.id, currency=settings.default_currency)


@router.put("/v1/cart/items/{sku_id}", response_model=CartOut)
def set_quantity(body: CartQuantityIn, db: Db, caller: CurrentCaller, settings: SettingsDep,
                 sku_id: str = SkuPath) -> CartOut:
    with db.begin():
        service.set_quantity(session=db, user_id=caller.id, sku_id=sku_id,
                             quantity=body.quantity)
        return service.view(session=db, user_id=caller.id, currency=settings.default_currency)


@router.delete("/v1/cart/items/{sku_id}", response_model=CartOut)
def remove_item(db: Db, caller: CurrentCaller, settings: SettingsDep,
                sku_id: str = SkuPath) -> CartOut:
    with db.begin():
        service.remove_item(session=db, user_id=caller.id, sku_id=sku_id)
        return service.view(session=db, user_id=caller.id, currency=settings.default_currency)
