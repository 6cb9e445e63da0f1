"""Audiences: saved rules (rules.py) that promotions, reach campaigns and the storefront
target. ``in_audience`` is the public question other domains ask; it reads only what the
rule needs (members' standing, paid order counts, active tags) through those domains'
public functions and Redis, a handful of indexed reads.

An audience's size walks the users a rule can match, in batches of BATCH users (one query
per domain and one Redis round trip each), at most max_users of them: when a rule
requires a tag (tag at the top, under every "or" branch, or in any "and"), only that
tag's carriers are walked; otherwise every account is. Past max_users the answer says
exact=false with the count so far. Sizes are cached in Redis per audience version.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime

import redis
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts import directory
from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events import tag_events as te
from transactional_api.events.outbox import emit
from transactional_api.members.standing import standings
from transactional_api.orders.buyers_query import paid_order_counts
from transactional_api.tags import audience_check, keys, rules, service
from transactional_api.tags.audience_check import in_audience  # noqa: F401 (public)
from transactional_api.tags.models import AUTOMATIC, MANUAL, Audience, UserTag

BATCH = 500


def _payload(audience: Audience, rule) -> te.AudiencePayload:
    return te.AudiencePayload(audience_id=audience.id, name=audience.name,
                              rule=rules.canonical(rule), tags=sorted(rules.needs(rule)[1]))


def create(*, session: Session, name: str, description: str, rule, actor_id: str) -> Audience:
    now = clock.now()
    audience = Audience(name=name, description=description, rule=rules.to_json(rule),
                        version=1, created_by=actor_id, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(audience)
    except IntegrityError:
        raise Conflict(f"an audience named {name} exists", code="audience_exists") from None
    emit(session=session, event=te.AudienceCreated(occurred_at=now, user_id=actor_id,
                                                   payload=_payload(audience, rule)))
    return audience


def get(*, session: Session, audience_id: str, lock: bool = False) -> Audience:
    query = select(Audience).where(Audience.id == audience_id) \
        .execution_options(populate_existing=True)
    audience = session.scalar(query.with_for_update() if lock else query)
    if audience is None:
        raise NotFound("audience not found", code="audience_not_found")
    return audience


def listing(*, session: Session, limit: int, offset: int) -> tuple[list[Audience], int]:
    total = session.scalar(select(func.count()).select_from(Audience)) or 0
    rows = session.scalars(select(Audience).order_by(Audience.name).limit(limit).offset(offset))
    return list(rows), total


def update(*, session: Session, audience_id: str, actor_id: str, name: str | None,
           description: str | None, rule) -> Audience:
    audience = get(session=session, audience_id=audience_id, lock=True)
    if name is not None:
        audience.name = name
    if description is not None:
        audience.description = description
    if rule is not None:
        audience.rule = rules.to_json(rule)
    audience_check.forget(audience_id, session)
    audience.version += 1
    audience.updated_at = clock.now()
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(f"an audience named {name} exists", code="audience_exists") from None
    emit(session=session, event=te.AudienceUpdated(
        occurred_at=audience.updated_at, user_id=actor_id,
        payload=_payload(audience, rules.parse(audience.rule))))
    return audience


def delete(*, session: Session, audience_id: str, actor_id: str) -> None:
    audience = get(session=session, audience_id=audience_id, lock=True)
    session.delete(audience)
    audience_check.forget(audience_id, session)
    session.flush()
    emit(session=session, event=te.AudienceDeleted(
        occurred_at=clock.now(), user_id=actor_id,
        payload=te.AudienceDeletedPayload(audience_id=audience_id, name=audience.name)))


def _compiled(session: Session, audience_id: str):
    """The rule as stored now (admin reads never take the hot path's cached row)."""
    found = audience_check.compiled(session, audience_id, ttl=0)
    return found.rule, set(found.attrs), set(found.tags), found.version


def load_facts(*, session: Session, redis_client: redis.Redis, user_ids: list[str],
               attrs: set[str], tags: set[str], settings: Settings) -> dict[str, rules.Facts]:
    """What the rule needs to know of each user, and nothing else."""
    standing = standings(session=session, user_ids=user_ids,
                         levels=settings.members_levels) \
        if attrs & {"level", "points_balance"} else {}
    orders = paid_order_counts(session=session, user_ids=user_ids) \
        if "orders_count" in attrs else {}
    active = service.active_names(session=session, names=tags) if tags else {}
    manual = service.manual_tags(session=session, user_ids=user_ids,
                                 names=sorted(n for n, k in active.items() if k == MANUAL))
    auto = service.auto_tags(redis_client=redis_client, user_ids=user_ids,
                             names=sorted(n for n, k in active.items() if k == AUTOMATIC))
    facts = {}
    for user_id in user_ids:
        s = standing.get(user_id)
        carried: dict[str, str | None] = dict.fromkeys(manual.get(user_id, ()))
        carried.update(auto.get(user_id, {}))
        facts[user_id] = rules.Facts(level=s.level if s else None,
                                     points_balance=s.points_balance if s else 0,
                                     orders_count=orders.get(user_id, 0), tags=carried)
    return facts


def membership(*, session: Session, redis_client: redis.Redis, audience_id: str,
               user_id: str, settings: Settings) -> tuple[bool, list[dict], int]:
    """(in or not, every sub-rule with its path and outcome, the audience version)."""
    rule, attrs, tags, version = _compiled(session, audience_id)
    if not directory.existing(session=session, user_ids=[user_id]):
        raise NotFound("user not found", code="user_not_found")
    facts = load_facts(session=session, redis_client=redis_client, user_ids=[user_id],
                       attrs=attrs, tags=tags, settings=settings)
    matched, trace = rules.explain(rule, facts[user_id])
    return matched, trace, version


@dataclass(frozen=True)
class Size:
    audience_id: str
    version: int
    size: int
    evaluated: int
    exact: bool
    strategy: str  # tag_index | all_users
    computed_at: datetime
    cached: bool = False


def _tag_carriers(session: Session, redis_client: redis.Redis, names: set[str]) -> list[str]:
    active = service.active_names(session=session, names=names)
    users: set[str] = set()
    manual = [n for n, k in active.items() if k == MANUAL]
    if manual:
        users.update(session.scalars(select(UserTag.user_id).where(UserTag.tag.in_(manual))))
    for name in (n for n, k in active.items() if k == AUTOMATIC):
        try:
            members = redis_client.smembers(keys.tag_members(name))
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise service.TagsUnavailable("automatic tags are temporarily unavailable") \
                from exc
        users.update(u.decode() if isinstance(u, bytes) else u for u in members)
    return sorted(users)


def _all_users(session: Session, limit: int):
    after, seen = None, 0
    while seen < limit:
        page = directory.user_ids_page(session=session, after=after,
                                       limit=min(BATCH, limit - seen))
        if not page:
            return
        yield page
        seen += len(page)
        after = page[-1]


def size(*, session: Session, redis_client: redis.Redis, audience_id: str,
         settings: Settings) -> Size:
    rule, attrs, tags, version = _compiled(session, audience_id)
    cache_key = keys.size_cache(audience_id, version)
    try:
        cached = redis_client.get(cache_key)
    except (redis.ConnectionError, redis.TimeoutError):
        cached = None
    if cached:
        data = json.loads(cached)
        data["computed_at"] = datetime.fromisoformat(data["computed_at"])
        return Size(**data, cached=True)
    limit = settings.tags_audience_size_max_users
    required = rules.required_tags(rule)
    if required is not None:
        candidates = _tag_carriers(session, redis_client, required)
        exact = len(candidates) <= limit
        batches = (candidates[i:i + BATCH] for i in range(0, min(limit, len(candidates)),
                                                          BATCH))
        strategy = "tag_index"
    else:
        # one user past the bound: finding them is how the walk knows it stopped short
        batches = _all_users(session, limit + 1)
        strategy, exact = "all_users", True
    count = evaluated = looked = 0
    for batch in batches:
        truncated = looked + len(batch) > limit
        if truncated:
            batch, exact = batch[:limit - looked], False
        looked += len(batch)
        if strategy == "tag_index":  # a published id the OLTP does not know is no one
            known = directory.existing(session=session, user_ids=batch)
            batch = [u for u in batch if u in known]
        facts = load_facts(session=session, redis_client=redis_client, user_ids=batch,
                           attrs=attrs, tags=tags, settings=settings)
        count += sum(rules.evaluate(rule, facts[u]) for u in batch)
        evaluated += len(batch)
        if truncated:
            break
    result = Size(audience_id=audience_id, version=version, size=count, evaluated=evaluated,
                  exact=exact, strategy=strategy, computed_at=clock.real_now())
    if settings.tags_audience_size_cache_seconds > 0:
        data = {k: v for k, v in result.__dict__.items() if k != "cached"}
        data["computed_at"] = result.computed_at.isoformat()
        with contextlib.suppress(redis.ConnectionError, redis.TimeoutError):
            redis_client.set(cache_key, json.dumps(data),
                             px=max(1, int(settings.tags_audience_size_cache_seconds * 1000)))
    return result


def members(*, session: Session, redis_client: redis.Redis, audience_id: str,
            settings: Settings) -> list[str]:
    """The users in the audience now (reach's audience campaigns), walked like size():
    a required tag's carriers, else every account, at most tags_audience_size_max_users."""
    rule, attrs, tags, _ = _compiled(session, audience_id)
    limit = settings.tags_audience_size_max_users
    required = rules.required_tags(rule)
    if required is not None:
        carriers = _tag_carriers(session, redis_client, required)[:limit]
        batches = (carriers[i:i + BATCH] for i in range(0, len(carriers), BATCH))
    else:
        batches = _all_users(session, limit)
    found: list[str] = []
    for batch in batches:
        if required is not None:
            known = directory.existing(session=session, user_ids=batch)
            batch = [u for u in batch if u in known]
        facts = load_facts(session=session, redis_client=redis_client, user_ids=batch,
                           attrs=attrs, tags=tags, settings=settings)
        found += [u for u in batch if rules.evaluate(rule, facts[u])]
    return found
