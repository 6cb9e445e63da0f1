"""Publish recommendations and user tags to Redis for the API.

One publish is one MULTI/EXEC: the API sees the previous features or the new ones, never a
mix, and keys a previous publish wrote that this one does not (a product gone, a user
without tags) are deleted in the same transaction.
"""

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import redis

from pipelines.ml.recommender_model import load_model, model_path
from pipelines.resources import RedisResource, WarehouseResource
from transactional_api.recommendations import keys

TAG_COLUMNS = (
    "rfm_segment", "recency_days", "frequency", "monetary_cents", "r_score", "f_score",
    "m_score",
)
# Families of per-entity keys this publisher owns; anything matching and not rewritten is stale.
OWNED_PATTERNS = (keys.item_recos("*"), keys.user_recos("*"), keys.user_tags("*"))


def build_features(
    model: dict[str, Any], user_tags: Iterable[dict[str, Any]]
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(string keys -> JSON value, hash keys -> mapping) for one publish."""
    strings = {keys.POPULAR: json.dumps(model["popular"])}
    for pid, neighbours in model["item_recos"].items():
        strings[keys.item_recos(pid)] = json.dumps([[n, s] for n, s in neighbours])
    for uid, recos in model["user_recos"].items():
        strings[keys.user_recos(uid)] = json.dumps([[p, s] for p, s in recos])
    hashes = {
        keys.user_tags(row["user_id"]): {
            col: str(row[col]) for col in TAG_COLUMNS if row.get(col) is not None
        }
        for row in user_tags
    }
    return strings, hashes


def publish(
    client: redis.Redis,
    strings: dict[str, str],
    hashes: dict[str, dict[str, str]],
    meta: dict[str, str],
) -> dict[str, int]:
    """Replace every published feature atomically; return counts written and deleted."""
    existing = {k for pattern in OWNED_PATTERNS for k in client.scan_iter(match=pattern)}
    existing = {k.decode() if isinstance(k, bytes) else k for k in existing}
    stale = existing - strings.keys() - hashes.keys()
    pipe = client.pipeline(transaction=True)
    if stale:
        pipe.delete(*sorted(stale))
    for key, value in strings.items():
        pipe.set(key, value)
    for key, mapping in [*hashes.items(), (keys.META, meta)]:
        pipe.delete(key)
        if mapping:
            pipe.hset(key, mapping=mapping)
    pipe.execute()
    return {"strings": len(strings), "hashes": len(hashes), "deleted": len(stale)}


def read_user_tags(warehouse: WarehouseResource) -> list[dict[str, Any]]:
    with warehouse.connect(read_only=True) as conn:
        frame = conn.execute(
            f"SELECT user_id, {', '.join(TAG_COLUMNS)} FROM marts.dim_user_tags"
        ).df()
    return frame.to_dict("records")


@dg.asset(
    group_name="serve",
    kinds={"redis"},
    deps=["recommender_model", dg.AssetKey(["marts", "dim_user_tags"])],
    description="Popular items, item/user recommendations and user tags, published to Redis.",
)
def published_features(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, redis_store: RedisResource
):
    client = redis_store.client()  # fails early, with the reason, when no Redis is set
    model = load_model(model_path())
    strings, hashes = build_features(model, read_user_tags(warehouse))
    meta = {
        "published_at": datetime.now(UTC).isoformat(),
        "model": "popularity+session_cooccurrence",
        "popular": str(len(model["popular"])),
        "item_recos": str(len(model["item_recos"])),
        "user_recos": str(len(model["user_recos"])),
        "user_tags": str(len(hashes)),
    }
    try:
        counts = publish(client, strings, hashes, meta)
    finally:
        client.close()
    context.log.info(f"published_features: {counts}")
    return dg.MaterializeResult(metadata={**counts, "redis": redis_store.resolved_url()})
