"""A live API (SQLite file, the shared redis-server) and helpers for the tags tests."""

from __future__ import annotations

import json
import uuid

import redis
from sqlalchemy import select

from tests.conftest import LiveApi, register
from transactional_api.events.models import OutboxEvent
from transactional_api.tags import keys


def shopper(api: LiveApi) -> tuple[str, str]:
    """(token, user id) of a new shopper."""
    token = register(api, f"s-{uuid.uuid4().hex[:10]}@example.com")
    with api.client(token) as c:
        return token, c.get("/v1/me").json()["id"]


def emitted(api: LiveApi, event_type: str) -> list[dict]:
    with api.sessions() as s:
        return [json.loads(r) for r in s.scalars(
            select(OutboxEvent.record).where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id))]


def publish_auto_tags(redis_url: str, user_id: str, tags: dict[str, str],
                      computed_at: str = "2025-06-30T04:00:00+00:00") -> None:
    """What the pipelines' publish writes for one user (pipelines/serve/features.py)."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        key = keys.user_auto_tags(user_id)
        client.delete(key)
        if tags:
            client.hset(key, mapping={name: json.dumps({"value": value,
                                                        "computed_at": computed_at})
                                      for name, value in tags.items()})
        for name in tags:
            client.sadd(keys.tag_members(name), user_id)
    finally:
        client.close()
