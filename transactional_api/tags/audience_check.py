"""One user's audience check (``in_audience``), the hot path of other domains' requests.

- Compiled rules are kept per process. The audience row (rule, version) is reused for
  settings.tags_audience_cache_seconds (2 s by default): an edit made in this process is
  seen at once (update and delete forget the entry, and again when their transaction
  commits); other processes see it within that many seconds. Admin reads (membership,
  size, members) always read the row (``compiled(..., ttl=0)``).
- Only what the rule reads is fetched: standings and paid orders through those domains'
  public functions when an attribute needs them; the status of the rule's tags and this
  user's manual assignments of them in one query; the automatic ones by one HMGET of just
  those fields, a command the caller may queue on its own Redis pipeline (risk's placement
  gate does, so its counters and the tags cost one round trip).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import redis as redis_lib
from sqlalchemy import and_, event, select
from sqlalchemy.orm import Session

from transactional_api.config import Settings, get_settings
from transactional_api.core.errors import NotFound
from transactional_api.members.standing import standings
from transactional_api.orders.buyers_query import paid_order_counts
from transactional_api.tags import keys, rules
from transactional_api.tags.models import (
    ACTIVE,
    AUTOMATIC,
    MANUAL,
    Audience,
    TagDefinition,
    UserTag,
)
from transactional_api.tags.service import TagsUnavailable

CACHE_MAX = 1024


@dataclass(frozen=True)
class Compiled:
    rule: object
    attrs: frozenset[str]
    tags: frozenset[str]
    version: int


_ROWS: dict[str, tuple[float, Compiled]] = {}  # audience id -> (read at, monotonic)
_LOCK = threading.Lock()


def forget(audience_id: str, session: Session | None = None) -> None:
    """Drop the cached row now and, given the editing session, once more when it commits
    (a reader between the two could have cached the row as it was before the edit)."""
    _ROWS.pop(audience_id, None)
    if session is not None:
        event.listen(session, "after_commit", lambda _s: _ROWS.pop(audience_id, None),
                     once=True)


def compiled(session: Session, audience_id: str, *, ttl: float) -> Compiled:
    now = time.monotonic()
    hit = _ROWS.get(audience_id)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    row = session.execute(select(Audience.rule, Audience.version)
                          .where(Audience.id == audience_id)).first()
    if row is None:
        _ROWS.pop(audience_id, None)
        raise NotFound("audience not found", code="audience_not_found")
    if hit is not None and hit[1].version == row.version:
        found = hit[1]  # unchanged: skip parsing it again
    else:
        rule = rules.parse(row.rule)
        attrs, tags = rules.needs(rule)
        found = Compiled(rule=rule, attrs=frozenset(attrs), tags=frozenset(tags),
                         version=row.version)
    with _LOCK:
        if len(_ROWS) >= CACHE_MAX and audience_id not in _ROWS:
            _ROWS.clear()
        _ROWS[audience_id] = (now, found)
    return found


def _tags_of(session: Session, user_id: str, names: frozenset[str]) -> tuple[list[str],
                                                                               list[str]]:
    """(this user's active manual tags among names, the active automatic names)."""
    rows = session.execute(
        select(TagDefinition.name, TagDefinition.kind, UserTag.user_id)
        .outerjoin(UserTag, and_(UserTag.tag == TagDefinition.name,
                                 UserTag.user_id == user_id))
        .where(TagDefinition.status == ACTIVE, TagDefinition.name.in_(sorted(names))))
    manual, auto = [], []
    for name, kind, carrier in rows:
        if kind == MANUAL and carrier is not None:
            manual.append(name)
        elif kind == AUTOMATIC:
            auto.append(name)
    return manual, sorted(auto)


@dataclass
class Pending:
    """A check whose database reads are done; the automatic tags are still to read (the
    Redis commands ``queue`` puts on a pipeline, whose replies ``settle`` takes)."""

    rule: object
    user_id: str
    facts: rules.Facts
    auto: list[str] = field(default_factory=list)

    def queue(self, pipe) -> int:
        if not self.auto:
            return 0
        pipe.hmget(keys.user_auto_tags(self.user_id), self.auto)
        return 1

    def settle(self, replies: list) -> bool:
        facts = self.facts
        if self.auto:
            carried = dict(facts.tags)
            carried.update({name: json.loads(raw)["value"]
                            for name, raw in zip(self.auto, replies[0], strict=True)
                            if raw is not None})
            facts = rules.Facts(level=facts.level, points_balance=facts.points_balance,
                                orders_count=facts.orders_count, tags=carried)
        return rules.evaluate(self.rule, facts)


def prepare(session: Session, audience_id: str, user_id: str, *,
            settings: Settings) -> Pending:
    """The database half of in_audience (404 audience_not_found for an unknown id)."""
    found = compiled(session, audience_id, ttl=settings.tags_audience_cache_seconds)
    level, points, orders = None, 0, 0
    if found.attrs & {"level", "points_balance"}:
        s = standings(session=session, user_ids=[user_id],
                      levels=settings.members_levels)[user_id]
        level, points = s.level, s.points_balance
    if "orders_count" in found.attrs:
        orders = paid_order_counts(session=session, user_ids=[user_id])[user_id]
    manual, auto = _tags_of(session, user_id, found.tags) if found.tags else ([], [])
    return Pending(rule=found.rule, user_id=user_id, auto=auto,
                   facts=rules.Facts(level=level, points_balance=points, orders_count=orders,
                                     tags=dict.fromkeys(manual)))


def in_audience(session: Session, redis: redis_lib.Redis, audience_id: str, user_id: str, *,
                settings: Settings | None = None) -> bool:
    """Whether user_id is in the audience now (404 audience_not_found for an unknown id).
    An unknown user is judged as a user with nothing: no tags, no orders, the lowest level."""
    pending = prepare(session, audience_id, user_id, settings=settings or get_settings())
    replies: list = []
    if pending.auto:
        try:
            pipe = redis.pipeline(transaction=False)
            pending.queue(pipe)
            replies = pipe.execute()
        except (redis_lib.ConnectionError, redis_lib.TimeoutError) as exc:
            raise TagsUnavailable("automatic tags are temporarily unavailable") from exc
    return pending.settle(replies)
