from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request

from transactional_api.core.deps import OptionalCaller, ReadDb, RedisDep
from transactional_api.events.envelope import MAX_CENTS
from transactional_api.search import service
from transactional_api.search.query import SearchQuery
from transactional_api.search.schemas import HotSearchesOut, SearchItem, SearchOut

router = APIRouter(tags=["search"])

Id = Annotated[str | None, Query(min_length=1, max_length=64)]
Price = Annotated[int | None, Query(ge=0, le=MAX_CENTS)]
ClientId = Annotated[str | None, Header(min_length=1, max_length=64)]


@router.get("/v1/search", response_model=SearchOut)
def search(
    request: Request,
    db: ReadDb,
    caller: OptionalCaller,
    q: Annotated[str | None, Query(max_length=200, description="Words; empty: browse")] = None,
    category_id: Annotated[str | None, Query(
        min_length=1, max_length=64, description="The category and all below it")] = None,
    brand_id: Id = None,
    merchant_id: Id = None,
    label: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    min_price_cents: Price = None,
    max_price_cents: Price = None,
    in_stock: bool | None = None,
    sort: Literal["relevance", "price_asc", "price_desc", "newest", "bestselling"] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    facets: bool = True,
    x_session_id: ClientId = None,
    x_anonymous_id: ClientId = None,
) -> SearchOut:
    params = SearchQuery(q=q, category_id=category_id, brand_id=brand_id,
                         merchant_id=merchant_id, label=label, min_price_cents=min_price_cents,
                         max_price_cents=max_price_cents, in_stock=in_stock, sort=sort,
                         limit=limit, offset=offset, facets=facets)
    result = service.search(session=db, params=params)
    # Buffered, not written here: a search stays a read (see search/events.py).
    request.app.state.search_events.add(service.search_event(
        params=params, total=result.total, user_id=caller.id if caller else None,
        session_id=x_session_id, anonymous_id=x_anonymous_id))
    return SearchOut(
        items=[SearchItem(
            product_id=i["product_id"], name=i["name"], category_id=i["category_id"],
            min_price_cents=i["min_price_cents"], max_price_cents=i["max_price_cents"],
            currency=i["currency"], labels=i["labels"] or [], in_stock=bool(i["in_stock"]),
            brand={"id": i["brand_id"], "name": i["brand_name"]} if i["brand_id"] else None,
            merchant={"id": i["merchant_id"], "name": i["merchant_name"]},
            image=i["image"], sold_count=i["sold_count"]) for i in result.items],
        total=result.total, limit=limit, offset=offset, sort=sort, facets=result.facets)


@router.get("/v1/search/hot", response_model=HotSearchesOut)
def hot_searches(redis: RedisDep,
                 limit: Annotated[int, Query(ge=1, le=50)] = 10) -> HotSearchesOut:
    """The most searched queries of late, as the pipelines publish them; empty when none
    are published or Redis is unavailable."""
    return HotSearchesOut(items=service.hot_searches(redis_client=redis, limit=limit))
