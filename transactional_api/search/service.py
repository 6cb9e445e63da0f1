"""Catalog search: the public functions other domains and the router call.

- ``search``: one query over the documents (SQLite FTS5 or PostgreSQL full text).
- ``reindex_products`` / ``reindex_all``: the catalog calls these after its writes, in its
  own transaction; the sync job (sync.py) catches anything they miss.
- ``hot_searches``: the list the pipelines publish to Redis.
"""

from __future__ import annotations

import json
import logging

import redis
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Unprocessable
from transactional_api.events.catalog_events import SearchPerformed, SearchPerformedPayload
from transactional_api.search import indexer, keys, query, state
from transactional_api.search.query import SearchQuery, SearchResult

log = logging.getLogger("flywheel.search")
_MAX_RESULTS_COUNT = 10**6  # the contract's Count bound


def search(*, session: Session, params: SearchQuery) -> SearchResult:
    if (params.min_price_cents is not None and params.max_price_cents is not None
            and params.min_price_cents > params.max_price_cents):
        raise Unprocessable("min_price_cents is above max_price_cents", code="bad_price_range")
    if params.sort not in query.SORTS:
        raise Unprocessable(f"sort is one of {', '.join(query.SORTS)}", code="bad_sort")
    return query.run(session=session, query=params)


def reindex_products(*, session: Session, product_ids: list[str]) -> int:
    """Bring the documents of product_ids up to date inside the caller's write transaction
    (listed products rewritten, others removed); returns how many are searchable."""
    return indexer.replace(session=session, product_ids=list(product_ids))


def reindex_categories(*, session: Session, category_ids: list[str]) -> int:
    """Rebuild the documents filed under these categories or below them (a category's
    names, translations included, are in their text); returns how many are searchable."""
    return indexer.replace(session=session, product_ids=indexer.products_under(
        session=session, category_ids=list(category_ids)))


def update_ratings(*, session: Session, product_id: str, rating_count: int,
                   rating_avg_centi: int) -> None:
    """Reviews calls this in the moderation's transaction: the rating sort follows at once."""
    indexer.apply_ratings(session=session, product_id=product_id, rating_count=rating_count,
                          rating_avg_centi=rating_avg_centi)


def reindex_all(*, session: Session) -> int:
    """Rebuild every document from the catalog, inside the caller's write transaction
    (after a bulk import); the sync job then resumes from where this left off."""
    docs = indexer.replace_all(session=session)
    state.mark_full_reindex(session=session, docs=docs)
    return len(docs)


def search_event(*, params: SearchQuery, total: int, user_id: str | None,
                 session_id: str | None, anonymous_id: str | None) -> SearchPerformed:
    # the request's clock (simulated in the demo), as every other event of the request
    return SearchPerformed(
        occurred_at=clock.now(), user_id=user_id, session_id=session_id,
        anonymous_id=anonymous_id,
        payload=SearchPerformedPayload(
            query=(params.q or "").strip()[:200], results_count=min(total, _MAX_RESULTS_COUNT),
            sort=params.sort, category_id=params.category_id, brand_id=params.brand_id,
            merchant_id=params.merchant_id, label=params.label,
            min_price_cents=params.min_price_cents, max_price_cents=params.max_price_cents,
            in_stock=params.in_stock))


def hot_searches(*, redis_client: redis.Redis, limit: int) -> list[dict]:
    """What the pipelines published, hottest first; empty when Redis is down, the key is
    missing or its value is not the agreed shape (a listing must not fail for it)."""
    try:
        raw = redis_client.get(keys.HOT_SEARCHES)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("hot searches unavailable", extra={"error": str(exc)})
        return []
    if not raw:
        return []
    try:
        entries = json.loads(raw)
    except ValueError:
        log.warning("hot searches key holds no JSON")
        return []
    out = []
    for e in entries if isinstance(entries, list) else []:
        if (isinstance(e, dict) and isinstance(e.get("query"), str) and e["query"].strip()
                and isinstance(e.get("searches"), int) and not isinstance(e["searches"], bool)
                and e["searches"] >= 0):
            out.append({"query": e["query"][:200], "searches": e["searches"]})
        if len(out) == limit:
            break
    return out
