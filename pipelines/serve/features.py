"""Publish recommendations, user tags and automatic tags to Redis for the API.

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
from pipelines.serve import bundle_tags
from transactional_api.recommendations import keys
from transactional_api.risk import keys as risk_keys
from transactional_api.tags import keys as tag_keys

TAG_COLUMNS = (
    "rfm_segment", "recency_days", "frequency", "monetary_cents", "r_score", "f_score",
    "m_score",
)
# Families of per-entity keys this publisher owns; anything matching and not rewritten is stale.
OWNED_PATTERNS = (keys.item_recos("*"), keys.user_recos("*"), keys.user_tags("*"),
                  tag_keys.user_auto_tags("*"), tag_keys.tag_members("*"),
                  risk_keys.user_score("*"))
AUTO_TAGS_MART = "fct_user_auto_tags"
RISK_SCORES_MART = "fct_user_risk_scores"


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


def build_auto_tags(
    rows: Iterable[dict[str, Any]],
) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """Automatic tags (marts.fct_user_auto_tags rows) as (per-user hashes of tag -> JSON
    {value, computed_at}, per-tag sets of user ids)."""
    hashes: dict[str, dict[str, str]] = {}
    sets: dict[str, set[str]] = {}
    for row in rows:
        computed = row["computed_at"]
        if computed.tzinfo is None:  # the warehouse keeps UTC without a zone
            computed = computed.replace(tzinfo=UTC)
        hashes.setdefault(tag_keys.user_auto_tags(row["user_id"]), {})[row["tag"]] = json.dumps(
            {"value": str(row["tag_value"]), "computed_at": computed.isoformat()})
        sets.setdefault(tag_keys.tag_members(row["tag"]), set()).add(row["user_id"])
    return hashes, sets


def publish(
    client: redis.Redis,
    strings: dict[str, str],
    hashes: dict[str, dict[str, str]],
    meta: dict[str, str],
    sets: dict[str, set[str]] | None = None,
    *,
    attempts: int = bundle_tags.ATTEMPTS,
) -> dict[str, int]:
    """Replace every published feature atomically; return counts written and deleted.
    The automatic tags the recommendation bundle owns (bundle_tags) are kept as they are:
    a bundle publish between our read of them and our EXEC makes us read again."""
    for attempt in range(attempts):
        with client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(*bundle_tags.watched_keys())
                kept, kept_sets = bundle_tags.kept_bundle_tags(client, pipe)
                pipe.multi()
                return _replace(client, pipe, strings, hashes, meta, sets or {}, kept,
                                kept_sets)
            except redis.WatchError:
                if attempt == attempts - 1:
                    raise
    raise AssertionError("unreachable")


def _replace(client, pipe, strings, hashes, meta, sets, kept, kept_sets) -> dict[str, int]:
    existing = {k for pattern in OWNED_PATTERNS for k in client.scan_iter(match=pattern)}
    existing = {k.decode() if isinstance(k, bytes) else k for k in existing}
    written = len(hashes)
    hashes = {**{k: {} for k in kept}, **hashes}
    for key, fields in kept.items():
        hashes[key] = {**hashes[key], **fields}
    stale = existing - strings.keys() - hashes.keys() - sets.keys() - kept_sets
    if stale:
        pipe.delete(*sorted(stale))
    for key, value in strings.items():
        pipe.set(key, value)
    for key, members in sets.items():
        pipe.delete(key)
        if members:
            pipe.sadd(key, *sorted(members))
    for key, mapping in [*hashes.items(), (keys.META, meta)]:
        pipe.delete(key)
        if mapping:
            pipe.hset(key, mapping=mapping)
    pipe.execute()
    return {"strings": len(strings), "hashes": written, "sets": len(sets),
            "deleted": len(stale)}


def build_risk_scores(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """marts.fct_user_risk_scores rows as per-user hashes {score, computed_at}."""
    hashes = {}
    for row in rows:
        computed = row["computed_at"]
        if computed.tzinfo is None:  # the warehouse keeps UTC without a zone
            computed = computed.replace(tzinfo=UTC)
        hashes[risk_keys.user_score(row["user_id"])] = {
            "score": str(int(row["risk_score"])), "computed_at": computed.isoformat()}
    return hashes


def read_risk_scores(warehouse: WarehouseResource) -> list[dict[str, Any]]:
    """Every user's risk score; none from a warehouse built before the mart."""
    with warehouse.connect(read_only=True) as conn:
        present = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' "
            "AND table_name = ?", [RISK_SCORES_MART]).fetchone()[0]
        if not present:
            return []
        frame = conn.execute(
            f"SELECT user_id, risk_score, computed_at FROM marts.{RISK_SCORES_MART}").df()
    return [{**row, "computed_at": row["computed_at"].to_pydatetime()}
            for row in frame.to_dict("records")]


def read_user_tags(warehouse: WarehouseResource) -> list[dict[str, Any]]:
    with warehouse.connect(read_only=True) as conn:
        frame = conn.execute(
            f"SELECT user_id, {', '.join(TAG_COLUMNS)} FROM marts.dim_user_tags"
        ).df()
    return frame.to_dict("records")


def read_auto_tags(warehouse: WarehouseResource) -> list[dict[str, Any]]:
    """Every (user, automatic tag) row; none from a warehouse built before the mart."""
    with warehouse.connect(read_only=True) as conn:
        present = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' "
            "AND table_name = ?", [AUTO_TAGS_MART]).fetchone()[0]
        if not present:
            return []
        frame = conn.execute(
            f"SELECT user_id, tag, tag_value, computed_at FROM marts.{AUTO_TAGS_MART}").df()
    return [{**row, "computed_at": row["computed_at"].to_pydatetime()}
            for row in frame.to_dict("records")]


@dg.asset(
    group_name="serve",
    kinds={"redis"},
    deps=["recommender_model", dg.AssetKey(["marts", "dim_user_tags"]),
          dg.AssetKey(["marts", AUTO_TAGS_MART]), dg.AssetKey(["marts", RISK_SCORES_MART])],
    description="Popular items, item/user recommendations, user tags, automatic tags and "
    "risk scores (with the time they were computed), published to Redis in one transaction.",
)
def published_features(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, redis_store: RedisResource
):
    client = redis_store.client()  # fails early, with the reason, when no Redis is set
    model = load_model(model_path())
    strings, hashes = build_features(model, read_user_tags(warehouse))
    auto_hashes, tag_sets = build_auto_tags(read_auto_tags(warehouse))
    risk_hashes = build_risk_scores(read_risk_scores(warehouse))
    meta = {
        "published_at": datetime.now(UTC).isoformat(),
        "model": "popularity+session_cooccurrence",
        "popular": str(len(model["popular"])),
        "item_recos": str(len(model["item_recos"])),
        "user_recos": str(len(model["user_recos"])),
        "user_tags": str(len(hashes)),
        "auto_tagged_users": str(len(auto_hashes)),
        "risk_scores": str(len(risk_hashes)),
    }
    try:
        counts = publish(client, strings, {**hashes, **auto_hashes, **risk_hashes}, meta,
                         tag_sets)
    finally:
        client.close()
    context.log.info(f"published_features: {counts}")
    return dg.MaterializeResult(metadata={**counts, "redis": redis_store.resolved_url()})
