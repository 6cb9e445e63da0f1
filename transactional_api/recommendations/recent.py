"""The session's recently viewed or carted products, kept in Redis by the API itself.

``POST /v1/events`` calls ``remember_accepted`` with the batch it accepted; the serving
path reads the list back (most recent first). Never fails the ingest: Redis errors are
logged and dropped, a list lost only makes the next recommendations less personal.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from transactional_api.recommendations import keys

log = logging.getLogger("flywheel.recommendations")
TRACKED = ("product_view", "add_to_cart")


def remember_accepted(client, items: list, rejected: Iterable[int], *, cap: int,
                      ttl_seconds: int) -> None:
    try:
        bad = set(rejected)
        per_session: dict[str, list[str]] = {}
        for i, item in enumerate(items):
            if i in bad or not isinstance(item, dict) or item.get("event_type") not in TRACKED:
                continue
            session, payload = item.get("session_id"), item.get("payload")
            if isinstance(session, str) and isinstance(payload, dict) and isinstance(
                    payload.get("product_id"), str):
                per_session.setdefault(session, []).append(payload["product_id"])
        if not per_session:
            return
        pipe = client.pipeline(transaction=False)
        for session, products in per_session.items():
            key = keys.session_recent(session)
            pipe.lpush(key, *products[-cap:])  # the batch's last event ends up first
            pipe.ltrim(key, 0, cap - 1)
            pipe.expire(key, ttl_seconds)
        pipe.execute()
    except Exception as exc:  # noqa: BLE001 (the ingest has already been accepted)
        log.warning("session recent items not recorded", extra={"error": str(exc)})
