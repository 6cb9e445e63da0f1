from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path
from sqlalchemy.orm import Session

from transactional_api.cart import service
from transactional_api.cart.schemas import CartItemIn, CartOut, CartQuantityIn
from transactional_api.core.deps import Caller, Db, OptionalCaller, SettingsDep

router = APIRouter(tags=["cart"])
SkuPath = Annotated[str, Path(min_length=1, max_length=36)]
# Guests address their cart by the id the first add returned; signed-in shoppers may send
# it too, and their guest cart is then merged into their own.
CartId = Annotated[str | None, Header(alias="X-Cart-Id", min_length=1, max_length=36)]


def owner_of(db: Session, caller: Caller | None, guest_cart_id: str | None) -> service.Owner:
    if caller is None:
        return service.Owner(guest_cart_id=guest_cart_id)
    if guest_cart_id is not None:
        service.merge_guest_cart(session=db, user_id=caller.id, guest_cart_id=guest_cart_id)
    return service.Owner(user_id=caller.id)


@router.get("/v1/cart", response_model=CartOut)
def get_cart(db: Db, caller: OptionalCaller, settings: SettingsDep,
             x_cart_id: CartId = None) -> CartOut:
    with db.begin():
        owner = owner_of(db, caller, x_cart_id)
        return service.view(session=db, owner=owner, currency=settings.default_currency)


@router.post("/v1/cart/items", response_model=CartOut)
def add_item(body: CartItemIn, db: Db, caller: OptionalCaller, settings: SettingsDep,
             x_cart_id: CartId = None) -> CartOut:
    with db.begin():
        owner = owner_of(db, caller, x_cart_id)
        cart_id = service.add_item(session=db, owner=owner, sku_id=body.sku_id,
                                   quantity=body.quantity)
        if owner.user_id is None:
            owner = service.Owner(guest_cart_id=cart_id)
        return service.view(session=db, owner=owner, currency=settings.default_currency)


@router.put("/v1/cart/items/{sku_id}", response_model=CartOut)
def set_quantity(sku_id: SkuPath, body: CartQuantityIn, db: Db, caller: OptionalCaller,
                 settings: SettingsDep, x_cart_id: CartId = None) -> CartOut:
    with db.begin():
        owner = owner_of(db, caller, x_cart_id)
        service.set_quantity(session=db, owner=owner, sku_id=sku_id, quantity=body.quantity)
        return service.view(session=db, owner=owner, currency=settings.default_currency)


@router.delete("/v1/cart/items/{sku_id}", response_model=CartOut)
def remove_item(sku_id: SkuPath, db: Db, caller: OptionalCaller, settings: SettingsDep,
                x_cart_id: CartId = None) -> CartOut:
    with db.begin():
        owner = owner_of(db, caller, x_cart_id)
        service.remove_item(session=db, owner=owner, sku_id=sku_id)
        return service.view(session=db, owner=owner, currency=settings.default_currency)
