"""Publish one training run's recommendation bundle to Redis under its own version.

Every list goes under keys of ``bundle["version"]`` with a TTL, written in pipelined
batches; only when all of them are in does ONE SET switch ``RECO_CURRENT`` to the new
version. A publish that fails midway never touches the pointer, so the previous version
keeps serving, and its keys outlive the switch by their own TTL (a request that read the
old pointer a moment ago still finds its lists). After the switch the intent model's
high-potential users become the carriers of the automatic tag ``high_intent``
(bundle_tags.py), so audiences, promotions and reach can use them. Pure of Dagster: the
lead's asset calls ``publish_bundle``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pipelines.serve.bundle_tags import publish_bundle_tag
from transactional_api.recommendations import keys
from transactional_api.tags import keys as tag_keys

DEFAULT_TTL_SECONDS = 7 * 24 * 3600  # well past the daily training cadence
BATCH = 1000
MAX_LIST = 50
PER_MEMBER = ("session_next", "fbt", "viewed_together", "als")
_VERSION = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class BundleError(ValueError):
    """The bundle breaks the contract; nothing was written."""


def _dump(items) -> str:
    return json.dumps([[str(p), float(s)] for p, s in list(items)[:MAX_LIST]],
                      separators=(",", ":"))


def bundle_entries(bundle: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(key, JSON list) of every list in the bundle."""
    version, lists = bundle["version"], bundle.get("lists") or {}
    for family in PER_MEMBER:
        for member, items in (lists.get(family) or {}).items():
            yield keys.reco_list(version, family, str(member)), _dump(items)
    for member, items in (lists.get("popular") or {}).items():
        yield keys.reco_list(version, "popular", str(member)), _dump(items)
    if lists.get("trending") is not None:
        yield keys.reco_list(version, "trending", "all"), _dump(lists["trending"])


def publish_bundle(client, bundle: dict[str, Any], *,
                   ttl_seconds: int = DEFAULT_TTL_SECONDS, batch: int = BATCH) -> dict:
    """Write the bundle, then switch the pointer; returns counts and the previous version.
    An exception from Redis propagates with the pointer still on the previous version."""
    version = bundle.get("version")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise BundleError(f"bad bundle version {version!r}")
    if ttl_seconds < 60:
        raise BundleError("ttl_seconds must be at least 60")
    written = 0
    pipe = client.pipeline(transaction=False)
    pending = 0

    def flush() -> None:
        nonlocal pending
        if pending:
            pipe.execute()
            pending = 0

    for key, value in bundle_entries(bundle):
        pipe.set(key, value, ex=ttl_seconds)
        pending += 1
        written += 1
        if pending >= batch:
            flush()
    intent = bundle.get("intent") or {}
    sessions = {str(k): repr(float(v)) for k, v in (intent.get("sessions") or {}).items()}
    items = list(sessions.items())
    for i in range(0, len(items), batch):
        pipe.hset(keys.intent_sessions(version), mapping=dict(items[i:i + batch]))
        pending += 1
        if pending >= batch:
            flush()
    if items:
        pipe.expire(keys.intent_sessions(version), ttl_seconds)
    users = [str(u) for u in intent.get("high_potential_users") or []]
    for i in range(0, len(users), batch):
        pipe.sadd(keys.intent_high_potential(version), *users[i:i + batch])
        pending += 1
    if users:
        pipe.expire(keys.intent_high_potential(version), ttl_seconds)
    if intent.get("threshold") is not None:
        pipe.set(keys.intent_threshold(version), repr(float(intent["threshold"])),
                 ex=ttl_seconds)
    pipe.hset(keys.reco_meta(version), mapping={
        "version": version, "trained_at": str(bundle.get("trained_at") or ""),
        "interactions": str(int(bundle.get("interactions") or 0)),
        "published_at": datetime.now(UTC).isoformat(), "lists": str(written),
        "intent_sessions": str(len(items)), "high_potential_users": str(len(users))})
    pipe.expire(keys.reco_meta(version), ttl_seconds)
    pending += 1
    flush()
    # The one switch: every list above is in Redis before any reader can be sent to it.
    # The pointer keeps no TTL, so serving never stops just because training paused.
    previous = client.set(keys.RECO_CURRENT, version, get=True)
    previous = previous.decode() if isinstance(previous, bytes) else previous
    tagged = {}
    if "high_potential_users" in intent:
        # the automatic tag follows the version now serving; users dropped lose it
        tagged = publish_bundle_tag(
            client, tag_keys.HIGH_INTENT, users,
            computed_at=str(bundle.get("trained_at") or datetime.now(UTC).isoformat()))
    return {"version": version, "previous": previous, "lists": written,
            "intent_sessions": len(items), "high_potential_users": len(users),
            "untagged_users": tagged.get("untagged", 0), "ttl_seconds": ttl_seconds}
