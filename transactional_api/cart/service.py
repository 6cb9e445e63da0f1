"""Cart: one open cart per shopper; prices are read live from the catalog, never stored.

A shopper without an account gets a guest cart, addressed by its (unguessable) id. When
the shopper signs in, the guest cart is merged into their own cart and closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.cart.models import Cart, CartItem
from transactional_api.cart.schemas import MAX_LINES, MAX_QUANTITY, CartLineOut, CartOut
from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import NotFound, Unprocessable

OPEN, MERGED = "open", "merged"


@dataclass(frozen=True)
class Owner:
    """Whose cart: a signed-in user's, or a guest cart by id (None: a guest without one)."""

    user_id: str | None = None
    guest_cart_id: str | None = None


def _find(session: Session, owner: Owner) -> Cart | None:
    if owner.user_id is not None:
        return session.scalar(select(Cart).where(Cart.user_id == owner.user_id,
                                                 Cart.status == OPEN))
    if owner.guest_cart_id is None:
        return None
    cart = session.get(Cart, owner.guest_cart_id)
    if cart is None or cart.user_id is not None or cart.status != OPEN:
        raise NotFound("guest cart not found", code="cart_not_found")
    return cart


def _find_or_create(session: Session, owner: Owner) -> Cart:
    cart = _find(session, owner)
    if cart is None:
        cart = Cart(user_id=owner.user_id, status=OPEN, created_at=clock.now(),
                    updated_at=clock.now())
        session.add(cart)
        session.flush()
    return cart


def _line(cart: Cart | None, sku_id: str) -> CartItem:
    line = next((i for i in cart.items if i.sku_id == sku_id), None) if cart else None
    if line is None:
        raise NotFound("SKU is not in the cart")
    return line


def _add(cart: Cart, sku_id: str, quantity: int) -> None:
    line = next((i for i in cart.items if i.sku_id == sku_id), None)
    if line is None:
        if len(cart.items) >= MAX_LINES:
            raise Unprocessable("cart is full", code="cart_full")
        cart.items.append(CartItem(sku_id=sku_id, quantity=quantity, added_at=clock.now()))
    elif line.quantity + quantity > MAX_QUANTITY:
        raise Unprocessable("quantity too large", code="quantity_too_large")
    else:
        line.quantity += quantity
    cart.updated_at = clock.now()


def add_item(*, session: Session, owner: Owner, sku_id: str, quantity: int) -> str:
    """Returns the cart's id (new for a guest's first item)."""
    if not catalog.skus_for_order(session=session, sku_ids=[sku_id]):
        raise Unprocessable("unknown SKU", code="unknown_sku", details={"sku_id": sku_id})
    cart = _find_or_create(session, owner)
    _add(cart, sku_id, quantity)
    return cart.id


def set_quantity(*, session: Session, owner: Owner, sku_id: str, quantity: int) -> None:
    cart = _find(session, owner)
    _line(cart, sku_id).quantity = quantity
    cart.updated_at = clock.now()


def remove_item(*, session: Session, owner: Owner, sku_id: str) -> None:
    cart = _find(session, owner)
    line = _line(cart, sku_id)
    cart.items.remove(line)
    cart.updated_at = clock.now()


def merge_guest_cart(*, session: Session, user_id: str, guest_cart_id: str) -> None:
    """Move a guest cart's lines into the user's cart (quantities add up, capped) and
    close it. A guest cart already merged or unknown is ignored: clients may resend it."""
    guest = session.get(Cart, guest_cart_id)
    if guest is None or guest.user_id is not None or guest.status != OPEN:
        return
    cart = _find_or_create(session, Owner(user_id=user_id))
    for item in guest.items:
        line = next((i for i in cart.items if i.sku_id == item.sku_id), None)
        if line is None and len(cart.items) < MAX_LINES:
            cart.items.append(CartItem(sku_id=item.sku_id, quantity=item.quantity,
                                       added_at=clock.now()))
        elif line is not None:
            line.quantity = min(MAX_QUANTITY, line.quantity + item.quantity)
    guest.items.clear()
    guest.status = MERGED
    guest.updated_at = cart.updated_at = clock.now()


def lines(*, session: Session, user_id: str | None = None,
          owner: Owner | None = None) -> dict[str, int]:
    """sku -> quantity in a user's cart (or any owner's: a guest's by its id)."""
    cart = _find(session, owner or Owner(user_id=user_id))
    return {i.sku_id: i.quantity for i in cart.items} if cart else {}


def clear(*, session: Session, user_id: str) -> None:
    cart = _find(session, Owner(user_id=user_id))
    if cart is not None:
        cart.items.clear()
        cart.updated_at = clock.now()


def idle_carts(*, session: Session, touched_from, touched_to,
               limit: int = 500) -> list[tuple[str, str, object, int]]:
    """Signed-in shoppers' open carts holding items, last touched in [from, to]: (cart id,
    user id, updated_at, units), oldest first (reach's abandoned-cart reminders)."""
    rows = session.execute(
        select(Cart.id, Cart.user_id, Cart.updated_at, func.sum(CartItem.quantity))
        .join(CartItem, CartItem.cart_id == Cart.id)
        .where(Cart.status == OPEN, Cart.user_id.is_not(None),
               Cart.updated_at >= touched_from, Cart.updated_at <= touched_to)
        .group_by(Cart.id, Cart.user_id, Cart.updated_at)
        .order_by(Cart.updated_at, Cart.id).limit(limit))
    return [(cid, uid, at, int(units)) for cid, uid, at, units in rows]


def view(*, session: Session, owner: Owner, currency: str) -> CartOut:
    cart = _find(session, owner)
    items = cart.items if cart else []
    found = catalog.skus_for_order(session=session, sku_ids=[i.sku_id for i in items],
                                   strict=False)
    out = []
    for item in items:
        if item.sku_id not in found:  # delisted since it was added
            continue
        sku, product = found[item.sku_id].sku, found[item.sku_id].product
        out.append(CartLineOut(sku_id=sku.id, product_id=product.id,
                               name=f"{product.name} — {sku.name}",
                               unit_price_cents=sku.price_cents, quantity=item.quantity,
                               line_total_cents=sku.price_cents * item.quantity))
        currency = sku.currency
    return CartOut(id=cart.id if cart else None, items=out,
                   subtotal_cents=sum(i.line_total_cents for i in out), currency=currency)
