"""Cart: one open cart per user; prices are read live from the catalog, never stored."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.cart.models import Cart, CartItem
from transactional_api.cart.schemas import CartLineOut, CartOut
from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import NotFound, Unprocessable

MAX_LINES = 100


def _open_cart(session: Session, user_id: str, *, create: bool) -> Cart | None:
    cart = session.scalar(select(Cart).where(Cart.user_id == user_id, Cart.status == "open"))
    if cart is None and create:
        cart = Cart(user_id=user_id, created_at=clock.now(), updated_at=clock.now())
        session.add(cart)
        session.flush()
    return cart


def add_item(*, session: Session, user_id: str, sku_id: str, quantity: int) -> None:
    if not catalog.skus_for_order(session=session, sku_ids=[sku_id]):
        raise Unprocessable("unknown SKU", code="unknown_sku", details={"sku_id": sku_id})
    cart = _open_cart(session, user_id, create=True)
    line = next((i for i in cart.items if i.sku_id == sku_id), None)
    if line is None:
        if len(cart.items) >= MAX_LINES:
            raise Unprocessable("cart is full", code="cart_full")
        cart.items.append(CartItem(sku_id=sku_id, quantity=quantity, added_at=clock.now()))
    else:
        if line.quantity + quantity > 1000:
            raise Unprocessable("quantity too large", code="quantity_too_large")
        line.quantity += quantity
    cart.updated_at = clock.now()


def set_quantity(*, session: Session, user_id: str, sku_id: str, quantity: int) -> None:
    cart = _open_cart(session, user_id, create=False)
    line = next((i for i in cart.items if i.sku_id == sku_id), None) if cart else None
    if line is None:
        raise NotFound("SKU is not in the cart")
    line.quantity = quantity
    cart.updated_at = clock.now()


def remove_item(*, session: Session, user_id: str, sku_id: str) -> None:
    cart = _open_cart(session, user_id, create=False)
    line = next((i for i in cart.items if i.sku_id == sku_id), None) if cart else None
    if line is None:
        raise NotFound("SKU is not in the cart")
    cart.items.remove(line)
    cart.updated_at = clock.now()


def lines(*, session: Session, user_id: str) -> dict[str, int]:
    cart = _open_cart(session, user_id, create=False)
    return {i.sku_id: i.quantity for i in cart.items} if cart else {}


def clear(*, session: Session, user_id: str) -> None:
    cart = _open_cart(session, user_id, create=False)
    if cart is not None:
        cart.items.clear()
        cart.updated_at = clock.now()


def view(*, session: Session, user_id: str, currency: str) -> CartOut:
    cart = _open_cart(session, user_id, create=True)
    found = catalog.skus_for_order(session=session, sku_ids=[i.sku_id for i in cart.items])
    out = []
    for item in cart.items:
        if item.sku_id not in found:  # delisted since it was added
            continue
        sku, product = found[item.sku_id]
        out.append(CartLineOut(sku_id=sku.id, product_id=product.id,
                               name=f"{product.name} — {sku.name}",
                               unit_price_cents=sku.price_cents, quantity=item.quantity,
                               line_total_cents=sku.price_cents * item.quantity))
        currency = sku.currency
    return CartOut(id=cart.id, items=out, subtotal_cents=sum(i.line_total_cents for i in out),
                   currency=currency)
