"""Recommendations per storefront placement: home, product page, cart, bought together."""

from __future__ import annotations

import re
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Request, Response

from transactional_api.cart import service as cart
from transactional_api.core.deps import OptionalCaller, RedisDep
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.recommendations import serving
from transactional_api.recommendations.schemas import PlacementOut

router = APIRouter(tags=["recommendations"])
_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MAX_RECENT = 20
ProductPath = Annotated[str, Path(min_length=1, max_length=64)]
Limit = Annotated[int, Query(ge=1, le=50)]
SessionKey = Annotated[str | None, Query(
    min_length=1, max_length=64, pattern=_ID.pattern,
    description="The storefront session id sent with behaviour events: its recently "
                "viewed and carted products steer the list")]
Recent = Annotated[str | None, Query(
    max_length=20 * 65, description="Product ids, most recent first, comma-separated "
                                    "(at most 20); replaces the session's own list")]
Region = Annotated[str | None, Query(min_length=1, max_length=16, pattern=_ID.pattern)]


def _ids(raw: str | None, name: str, most: int) -> tuple[str, ...] | None:
    if raw is None:
        return None
    ids = tuple(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))
    if len(ids) > most or any(not _ID.match(p) for p in ids):
        raise Unprocessable(f"{name} takes at most {most} comma-separated product ids",
                            code="invalid_product_ids", details={"param": name})
    return ids


def _serve(request: Request, redis, caller, **ask) -> Response:
    state = serving.state_of(request.app)
    body = serving.serve(state, redis, serving.Ask(
        user_id=caller.id if caller else None, **ask))
    # Serialised here, not through response_model: the hot path skips pydantic.
    return Response(orjson.dumps(body), media_type="application/json")


@router.get("/v1/recommendations/home", response_model=PlacementOut)
def home(request: Request, redis: RedisDep, caller: OptionalCaller, limit: Limit = 10,
         session_key: SessionKey = None, region: Region = None):
    """"Guess you like": the signed-in shopper's own list, else what sells in their region
    (the region given, else their default address's), else overall; trending mixed in."""
    return _serve(request, redis, caller, placement="home", limit=limit,
                  session_key=session_key, region=region)


@router.get("/v1/recommendations/cart", response_model=PlacementOut)
def for_cart(request: Request, redis: RedisDep, caller: OptionalCaller, limit: Limit = 10,
             session_key: SessionKey = None, recent: Recent = None,
             items: Annotated[str | None, Query(
                 max_length=50 * 65, description="The cart's product ids, comma-separated; "
                 "unset: the caller's cart (X-Cart-Id for a guest)")] = None):
    """Next items from the cart's products and the session's recent ones; never what is
    already in the cart."""
    in_cart = _ids(items, "items", 50)
    if in_cart is None:
        in_cart = _cart_products(request, caller)
    return _serve(request, redis, caller, placement="cart", limit=limit,
                  session_key=session_key, recent=_ids(recent, "recent", MAX_RECENT),
                  cart_items=in_cart)


@router.get("/v1/recommendations/products/{product_id}", response_model=PlacementOut)
def for_product(product_id: ProductPath, request: Request, redis: RedisDep,
                caller: OptionalCaller, limit: Limit = 10, session_key: SessionKey = None,
                recent: Recent = None):
    """"You may also like": next items after this one and the session's recent ones, then
    viewed together, then popular in its category. 404 for an unknown product."""
    return _serve(request, redis, caller, placement="product", limit=limit,
                  product_id=product_id, session_key=session_key,
                  recent=_ids(recent, "recent", MAX_RECENT))


@router.get("/v1/recommendations/products/{product_id}/bought-together",
            response_model=PlacementOut)
def bought_together(product_id: ProductPath, request: Request, redis: RedisDep,
                    caller: OptionalCaller, limit: Limit = 10, session_key: SessionKey = None):
    """Frequently bought together with this product (orders)."""
    return _serve(request, redis, caller, placement="bought_together", limit=limit,
                  product_id=product_id, session_key=session_key)


def _cart_products(request: Request, caller) -> tuple[str, ...]:
    guest = request.headers.get("X-Cart-Id")
    if caller is None and not guest:
        return ()
    owner = cart.Owner(user_id=caller.id) if caller else cart.Owner(guest_cart_id=guest[:36])
    try:
        with request.app.state.read_sessions() as s:
            skus = cart.lines(session=s, owner=owner)
    except NotFound:  # a stale guest cart id: recommend without it
        return ()
    product_of = serving.state_of(request.app).catalogue.get().product_of_sku
    return tuple(dict.fromkeys(product_of[k] for k in skus if k in product_of))
