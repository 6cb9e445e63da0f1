"""Tag definitions and their lifecycle, manual assignments, and a user's tags as served.

- created -> active -> retired, nothing else (409 illegal_transition). Each move is one
  conditional UPDATE on the status it leaves, so of two racing moves exactly one wins.
- Only active manual tags can be assigned. Retiring a tag keeps its assignments (history)
  but no reader sees them any more: the API serves, and rules match, active tags only.
- Automatic tags are computed by the warehouse and published to Redis (tags/keys.py); the
  API serves those whose definition is active (the migration defines the built-in ones).
Every change writes its contract event (tag_events.py) to the outbox in its transaction.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

import redis
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.accounts import directory
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, DomainError, NotFound
from transactional_api.events import tag_events as te
from transactional_api.events.outbox import emit
from transactional_api.tags import keys
from transactional_api.tags.models import (
    ACTIVE,
    AUTOMATIC,
    CREATED,
    MANUAL,
    RETIRED,
    TagDefinition,
    UserTag,
)

log = logging.getLogger("flywheel.tags")
NEXT = {CREATED: (ACTIVE,), ACTIVE: (RETIRED,), RETIRED: ()}
ACTIONS = {"activate": (CREATED, ACTIVE), "retire": (ACTIVE, RETIRED)}


class TagsUnavailable(DomainError):
    status_code = 503
    code = "tags_unavailable"


@dataclass(frozen=True)
class ServedTag:
    name: str
    kind: str
    value: str | None  # automatic tags' value ("true", a segment, a level); manual: None
    at: datetime | None  # assigned (manual) or computed (automatic)
    reason: str | None = None


def create(*, session: Session, name: str, kind: str, description: str,
           actor_id: str) -> TagDefinition:
    if session.get(TagDefinition, name) is not None:
        raise Conflict(f"tag {name} already exists", code="tag_exists")
    tag = TagDefinition(name=name, kind=kind, status=CREATED, description=description,
                        created_by=actor_id, created_at=clock.now())
    try:
        with session.begin_nested():  # a concurrent create may win the name
            session.add(tag)
    except IntegrityError:
        raise Conflict(f"tag {name} already exists", code="tag_exists") from None
    emit(session=session, event=te.TagCreated(
        occurred_at=tag.created_at, user_id=actor_id,
        payload=te.TagCreatedPayload(tag=name, kind=kind)))
    return tag


def get(*, session: Session, name: str) -> TagDefinition:
    tag = session.scalar(select(TagDefinition).where(TagDefinition.name == name)
                         .execution_options(populate_existing=True))
    if tag is None:
        raise NotFound(f"tag {name} not found", code="tag_not_found")
    return tag


def definitions(*, session: Session, kind: str | None = None,
                status: str | None = None) -> list[TagDefinition]:
    query = select(TagDefinition).order_by(TagDefinition.name)
    if kind:
        query = query.where(TagDefinition.kind == kind)
    if status:
        query = query.where(TagDefinition.status == status)
    return list(session.scalars(query))


def transition(*, session: Session, name: str, action: str, actor_id: str) -> TagDefinition:
    source, target = ACTIONS[action]
    now = clock.now()
    stamp = {"activated_at": now} if target == ACTIVE else {"retired_at": now}
    moved = session.execute(
        update(TagDefinition).where(TagDefinition.name == name, TagDefinition.status == source)
        .values(status=target, **stamp)).rowcount
    tag = get(session=session, name=name)
    if not moved:
        raise Conflict(f"cannot {action} a tag that is {tag.status}", code="illegal_transition",
                       details={"from": tag.status, "to": target,
                                "allowed": list(NEXT[tag.status])})
    emit(session=session, event=te.TagStatusChanged(
        occurred_at=now, user_id=actor_id, payload=te.TagStatusChangedPayload(
            tag=name, kind=tag.kind, from_status=source, to_status=target)))
    return tag


def require_user(*, session: Session, user_id: str) -> None:
    if not directory.existing(session=session, user_ids=[user_id]):
        raise NotFound("user not found", code="user_not_found")


def assign(*, session: Session, name: str, user_id: str, actor_id: str,
           reason: str | None) -> tuple[UserTag, bool]:
    """(the assignment, whether it is new); assigning a tag the user has is a no-op."""
    tag = get(session=session, name=name)
    if tag.kind != MANUAL:
        raise Conflict("automatic tags come from the warehouse; they cannot be assigned",
                       code="tag_not_manual")
    if tag.status != ACTIVE:
        raise Conflict(f"only an active tag can be assigned; this one is {tag.status}",
                       code="tag_not_active")
    require_user(session=session, user_id=user_id)
    existing = session.get(UserTag, (user_id, name))
    if existing is not None:
        return existing, False
    row = UserTag(user_id=user_id, tag=name, reason=reason, assigned_by=actor_id,
                  assigned_at=clock.now())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent assignment won: same outcome, one event
        return session.get(UserTag, (user_id, name)), False
    emit(session=session, event=te.UserTagAssigned(
        occurred_at=row.assigned_at, user_id=actor_id,
        payload=te.UserTagPayload(tag=name, tagged_user_id=user_id, reason=reason)))
    return row, True


def unassign(*, session: Session, name: str, user_id: str, actor_id: str,
             reason: str | None) -> None:
    get(session=session, name=name)
    row = session.get(UserTag, (user_id, name))
    if row is None:
        raise NotFound("the user does not carry this tag", code="tag_not_assigned")
    session.delete(row)
    session.flush()
    emit(session=session, event=te.UserTagUnassigned(
        occurred_at=clock.now(), user_id=actor_id,
        payload=te.UserTagPayload(tag=name, tagged_user_id=user_id, reason=reason)))


def active_names(*, session: Session, names: set[str] | None = None) -> dict[str, str]:
    """Active tag name -> kind (only among names when given)."""
    query = select(TagDefinition.name, TagDefinition.kind).where(
        TagDefinition.status == ACTIVE)
    if names is not None:
        if not names:
            return {}
        query = query.where(TagDefinition.name.in_(sorted(names)))
    return dict(session.execute(query).all())


def manual_tags(*, session: Session, user_ids: list[str],
                names: list[str]) -> dict[str, set[str]]:
    """user id -> the given manual tag names they carry."""
    found: dict[str, set[str]] = {}
    if user_ids and names:
        for user_id, tag in session.execute(
                select(UserTag.user_id, UserTag.tag)
                .where(UserTag.user_id.in_(user_ids), UserTag.tag.in_(names))):
            found.setdefault(user_id, set()).add(tag)
    return found


def auto_tags(*, redis_client: redis.Redis, user_ids: list[str],
              names: list[str]) -> dict[str, dict[str, str]]:
    """user id -> {automatic tag: value} among names, read from the published features in
    one round trip (HMGET of just those fields)."""
    if not user_ids or not names:
        return {}
    try:
        pipe = redis_client.pipeline(transaction=False)
        for user_id in user_ids:
            pipe.hmget(keys.user_auto_tags(user_id), names)
        replies = pipe.execute()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise TagsUnavailable("automatic tags are temporarily unavailable") from exc
    out: dict[str, dict[str, str]] = {}
    for user_id, values in zip(user_ids, replies, strict=True):
        tags = {name: json.loads(raw)["value"] for name, raw in zip(names, values, strict=True)
                if raw is not None}
        if tags:
            out[user_id] = tags
    return out


def _s(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


def served_tags(*, session: Session, redis_client: redis.Redis, user_id: str) -> list[ServedTag]:
    """The user's active manual tags and active automatic tags, by kind then name. Redis
    being down costs the automatic ones only: a profile page must not fail for them."""
    active = active_names(session=session)
    manual = [ServedTag(name=row.tag, kind=MANUAL, value=None, at=row.assigned_at,
                        reason=row.reason)
              for row in session.scalars(select(UserTag).where(UserTag.user_id == user_id)
                                         .order_by(UserTag.tag))
              if active.get(row.tag) == MANUAL]
    try:
        raw = redis_client.hgetall(keys.user_auto_tags(user_id))
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("automatic tags unavailable", extra={"error": str(exc)})
        raw = {}
    automatic = []
    for name, payload in sorted((_s(k), _s(v)) for k, v in raw.items()):
        if active.get(name) == AUTOMATIC:
            item = json.loads(payload)
            automatic.append(ServedTag(name=name, kind=AUTOMATIC, value=item["value"],
                                       at=datetime.fromisoformat(item["computed_at"])))
    return manual + automatic
