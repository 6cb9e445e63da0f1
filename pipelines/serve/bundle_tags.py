"""Automatic tags the recommendation bundle publishes (today `high_intent`, from the
purchase-intent model), in the same per-user hashes and per-tag member sets as the
warehouse's tags (pipelines/serve/features.py), so audiences, promotions, reach and risk
read them the same way.

Two publishers share those hashes, each owning its own fields: this one owns the tags in
``tag_keys.BUNDLE_TAGS``, published_features every other one (it keeps ours when it
rewrites a hash). Each tag's member set is the record of who carries it: a publish reads
it under WATCH, then in one MULTI/EXEC sets the field on the new carriers, deletes it from
the ones dropped and replaces the set, so a reader sees one user's tag from one run only,
and a concurrent publish of either kind makes the other retry rather than lose a write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import redis

from transactional_api.tags import keys as tag_keys

ATTEMPTS = 5


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def publish_bundle_tag(client: redis.Redis, tag: str, users: Iterable[str], *,
                       computed_at: str, value: str = "true",
                       attempts: int = ATTEMPTS) -> dict[str, int]:
    """Make `users` exactly the carriers of `tag`; returns counts tagged and untagged."""
    if tag not in tag_keys.BUNDLE_TAGS:
        raise ValueError(f"{tag!r} is not a tag the bundle owns")
    carriers = {str(u) for u in users}
    field = json.dumps({"value": value, "computed_at": computed_at})
    members_key = tag_keys.tag_members(tag)
    for attempt in range(attempts):
        with client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(members_key)
                previous = {_text(m) for m in pipe.smembers(members_key)}
                pipe.multi()
                for user_id in sorted(previous - carriers):
                    pipe.hdel(tag_keys.user_auto_tags(user_id), tag)  # last field: key goes
                for user_id in sorted(carriers):
                    pipe.hset(tag_keys.user_auto_tags(user_id), tag, field)
                pipe.delete(members_key)
                if carriers:
                    pipe.sadd(members_key, *sorted(carriers))
                pipe.execute()
                return {"tagged": len(carriers), "untagged": len(previous - carriers)}
            except redis.WatchError:
                if attempt == attempts - 1:
                    raise
    raise AssertionError("unreachable")


def kept_bundle_tags(client: redis.Redis, pipe) -> tuple[dict[str, dict[str, str]], set[str]]:
    """For published_features, with `pipe` already WATCHing ``watched_keys()``: (per-user
    hash key -> the bundle's fields to keep, the member-set keys to keep). The fields are
    read in one round trip on `client`; any bundle publish since the WATCH rewrote a watched
    set, so the caller's EXEC fails and it reads again."""
    carriers: list[tuple[str, str]] = []
    sets = set()
    for tag in tag_keys.BUNDLE_TAGS:
        members_key = tag_keys.tag_members(tag)
        users = sorted(_text(m) for m in pipe.smembers(members_key))
        if users:
            sets.add(members_key)
            carriers.extend((tag_keys.user_auto_tags(u), tag) for u in users)
    kept: dict[str, dict[str, str]] = {}
    if carriers:
        reads = client.pipeline(transaction=False)
        for key, tag in carriers:
            reads.hget(key, tag)
        for (key, tag), raw in zip(carriers, reads.execute(), strict=True):
            if raw is not None:
                kept.setdefault(key, {})[tag] = _text(raw)
    return kept, sets


def watched_keys() -> list[str]:
    return [tag_keys.tag_members(tag) for tag in tag_keys.BUNDLE_TAGS]
