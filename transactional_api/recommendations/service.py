"""Reads of the features the pipelines publish to Redis (never written here)."""

from __future__ import annotations

import json
import logging

import redis

from transactional_api.core.errors import DomainError
from transactional_api.recommendations import keys

log = logging.getLogger("flywheel.recommendations")


class FeaturesUnavailable(DomainError):
    status_code = 503
    code = "features_unavailable"


def user_tags(*, redis: redis.Redis, user_id: str) -> dict[str, str]:
    """Tags degrade to empty when Redis is down: a profile page must not fail for them."""
    try:
        raw = redis.hgetall(keys.user_tags(user_id))
    except redis_errors() as exc:
        log.warning("user tags unavailable", extra={"error": str(exc)})
        return {}
    return {_s(k): _s(v) for k, v in raw.items()}


def recommend(
    *, redis: redis.Redis, user_id: str | None, product_id: str | None, limit: int
) -> tuple[str, list[tuple[str, float]]]:
    """Item neighbours first, then the user's list, then popularity; never the seed item."""
    exclude = {product_id} if product_id else set()
    try:
        for source, key in (
            ("item", keys.item_recos(product_id) if product_id else None),
            ("user", keys.user_recos(user_id) if user_id else None),
            ("popular", keys.POPULAR),
        ):
            if key is None:
                continue
            raw = redis.get(key)
            if raw:
                items = [(str(p), float(s)) for p, s in json.loads(raw) if p not in exclude]
                if items or source == "popular":
                    return source, items[:limit]
    except redis_errors() as exc:
        raise FeaturesUnavailable("recommendations are temporarily unavailable") from exc
    return "popular", []  # nothing published yet


def redis_errors() -> tuple[type[Exception], ...]:
    return (redis.ConnectionError, redis.TimeoutError)


def _s(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v
