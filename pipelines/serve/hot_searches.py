"""Publish the hot searches of the warehouse's last 7 days to Redis for the shop.

The API serves them (e.g. under the search box) from transactional_api.search.keys
.HOT_SEARCHES: a JSON list of {"query": str, "searches": int}, hottest first. The window
ends on the warehouse's latest search day, not today, so a replayed or simulated history
publishes the same list whenever it is built (like the RFM tags). Queries are the
normalised ones of marts.fct_daily_searches; a search with filters only (empty query) is
no suggestion and is left out.
"""

import json
from typing import Any

import dagster as dg
import redis

from pipelines.resources import RedisResource, WarehouseResource
from transactional_api.search import keys

WINDOW_DAYS = 7
HOT_SEARCHES_LIMIT = 20


def read_hot_searches(
    warehouse: WarehouseResource, *, days: int = WINDOW_DAYS, limit: int = HOT_SEARCHES_LIMIT
) -> list[dict[str, Any]]:
    """Top queries by searches over the `days` days ending on the latest search day."""
    with warehouse.connect(read_only=True) as conn:
        rows = conn.execute(
            """
            with latest as (
                select max(search_date) as last_day from marts.fct_daily_searches
            )
            select searches.search_query, sum(searches.searches) as total
            from marts.fct_daily_searches as searches
            cross join latest
            where searches.search_date > latest.last_day - cast(? as integer)
                and length(searches.search_query) > 0
            group by searches.search_query
            order by total desc, searches.search_query
            limit ?
            """,
            [days, limit],
        ).fetchall()
    return [{"query": query, "searches": int(total)} for query, total in rows]


def publish_hot_searches(client: redis.Redis, hot: list[dict[str, Any]]) -> None:
    """Replace the list in one MULTI/EXEC: readers get the previous list or this one.

    An empty list is written too: no recent searches must not keep last week's list alive.
    """
    pipe = client.pipeline(transaction=True)
    pipe.set(keys.HOT_SEARCHES, json.dumps(hot, ensure_ascii=False))
    pipe.execute()


@dg.asset(
    group_name="serve",
    kinds={"redis"},
    deps=[dg.AssetKey(["marts", "fct_daily_searches"])],
    description="Top search queries of the warehouse's last 7 days, published to Redis.",
)
def published_hot_searches(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, redis_store: RedisResource
):
    client = redis_store.client()  # fails early, with the reason, when no Redis is set
    try:
        hot = read_hot_searches(warehouse)
        publish_hot_searches(client, hot)
    finally:
        client.close()
    context.log.info(f"published_hot_searches: {len(hot)} queries")
    return dg.MaterializeResult(
        metadata={
            "queries": len(hot),
            "hottest": hot[0]["query"] if hot else "",
            "key": keys.HOT_SEARCHES,
            "redis": redis_store.resolved_url(),
        }
    )
