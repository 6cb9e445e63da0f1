"""Publish the reorder suggestions of ml.reorder_suggestions to Redis for the API
(transactional_api.replenishment.keys.SUGGESTIONS: {"as_of", "generated_at",
"suggestions": [...]}, one SET, so readers see the previous list or this one). An empty
list is written too: yesterday's suggestions must not outlive a run that found none."""

import json
from typing import Any

import dagster as dg
import redis

from pipelines.ml.reorder_suggestions import TABLE
from pipelines.resources import RedisResource, WarehouseResource
from transactional_api.replenishment import keys


def read_suggestions(warehouse: WarehouseResource) -> dict[str, Any]:
    with warehouse.connect(read_only=True) as conn:
        cursor = conn.execute(f"select * from {TABLE} order by location_id, sku_id")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    items = []
    for row in rows:
        generated_at = row.pop("generated_at")
        row["as_of"] = row["as_of"].isoformat()
        items.append(row)
    as_of = items[0]["as_of"] if items else None
    stamp = generated_at.isoformat() if rows else None
    return {"as_of": as_of, "generated_at": stamp, "suggestions": items}


def publish_suggestions(client: redis.Redis, document: dict[str, Any]) -> None:
    client.set(keys.SUGGESTIONS, json.dumps(document))


@dg.asset(
    group_name="serve",
    kinds={"redis"},
    deps=["reorder_suggestions"],
    description="The reorder suggestions of the latest run, published to Redis for "
    "GET /v1/admin/replenishment/suggestions.",
)
def published_reorder_suggestions(context: dg.AssetExecutionContext,
                                  warehouse: WarehouseResource, redis_store: RedisResource):
    client = redis_store.client()
    try:
        document = read_suggestions(warehouse)
        publish_suggestions(client, document)
    finally:
        client.close()
    context.log.info(f"published_reorder_suggestions: {len(document['suggestions'])}")
    return dg.MaterializeResult(metadata={"suggestions": len(document["suggestions"]),
                                          "key": keys.SUGGESTIONS})
