from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from transactional_api.core.deps import RedisDep, optional_caller
from transactional_api.events.envelope import MAX_CENTS
from transactional_api.search import service
from transactional_api.search.query import SearchQuery
from transactional_api.search.schemas import HotSearchesOut, SearchOut
from transactional_api.translations import service as translations
from transactional_api.translations.deps import Lang

router = APIRouter(tags=["search"])

Id = Annotated[str | None, Query(min_length=1, max_length=64)]
Price = Annotated[int | None, Query(ge=0, le=MAX_CENTS)]
ClientId = Annotated[str | None, Header(min_length=1, max_length=64)]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))]


@router.get("/v1/search", response_model=SearchOut)
async def search(
    request: Request,
    creds: Bearer,
    lang: Lang,
    q: Annotated[str | None, Query(max_length=200, description="Words; empty: browse")] = None,
    category_id: Annotated[str | None, Query(
        min_length=1, max_length=64, description="The category and all below it")] = None,
    brand_id: Id = None,
    merchant_id: Id = None,
    label: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    min_price_cents: Price = None,
    max_price_cents: Price = None,
    in_stock: bool | None = None,
    sort: Literal["relevance", "price_asc", "price_desc", "newest", "bestselling",
                  "rating"] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    facets: bool = True,
    x_session_id: ClientId = None,
    x_anonymous_id: ClientId = None,
) -> JSONResponse:
    """Words match names (most), brand/category/label names, then descriptions, as
    prefixes, accents and case ignored; every word is required. Only listed products."""
    params = SearchQuery(q=q, category_id=category_id, brand_id=brand_id,
                         merchant_id=merchant_id, label=label, min_price_cents=min_price_cents,
                         max_price_cents=max_price_cents, in_stock=in_stock, sort=sort,
                         limit=limit, offset=offset, facets=facets)

    def work() -> dict:
        # The hot path: one thread hop for everything blocking (the caller's token, the
        # query), and plain dicts out, shaped as SearchOut documents (tests hold them to it).
        caller = optional_caller(request, creds) if creds is not None else None
        with request.app.state.read_sessions() as db:
            result = service.search(session=db, params=params)
            # Words match every language's texts; names come back in the asked one.
            items = translations.localize(db, "product", [_item(i) for i in result.items],
                                          ("name",), lang, id_key="product_id")
        # Buffered, not written here: a search stays a read (see search/events.py).
        request.app.state.search_events.add(service.search_event(
            params=params, total=result.total, user_id=caller.id if caller else None,
            session_id=x_session_id, anonymous_id=x_anonymous_id))
        return {"items": items, "total": result.total,
                "limit": limit, "offset": offset, "sort": sort, "facets": result.facets}

    body = await run_in_threadpool(work)
    return JSONResponse(body, headers={"Content-Language": lang.content_language()}
                        if lang is not None else None)


def _item(row: dict) -> dict:
    return {
        "product_id": row["product_id"], "name": row["name"], "category_id": row["category_id"],
        "min_price_cents": row["min_price_cents"], "max_price_cents": row["max_price_cents"],
        "currency": row["currency"], "labels": row["labels"] or [],
        "brand": ({"id": row["brand_id"], "name": row["brand_name"]} if row["brand_id"]
                  else None),
        "merchant": {"id": row["merchant_id"], "name": row["merchant_name"]},
        "in_stock": bool(row["in_stock"]), "image": row["image"],
        "sold_count": row["sold_count"]}


@router.get("/v1/search/hot", response_model=HotSearchesOut)
def hot_searches(redis: RedisDep,
                 limit: Annotated[int, Query(ge=1, le=50)] = 10) -> HotSearchesOut:
    """The most searched queries of late, as the pipelines publish them; empty when none
    are published or Redis is unavailable."""
    return HotSearchesOut(items=service.hot_searches(redis_client=redis, limit=limit))
