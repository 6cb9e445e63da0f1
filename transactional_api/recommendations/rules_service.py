"""Operator rules: stored in the OLTP, cached per process, and a Redis counter bumped on
every change so every API process reloads them at its next request."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

import redis as redis_lib
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from recommender.serving import Rules
from transactional_api.core.errors import NotFound
from transactional_api.recommendations import keys
from transactional_api.recommendations.models import RecoRule
from transactional_api.recommendations.rules_schemas import RuleIn

log = logging.getLogger("flywheel.recommendations")


def create(*, session: Session, data: RuleIn, actor_id: str | None, now: datetime) -> RecoRule:
    rule = RecoRule(**data.model_dump(), created_by=actor_id, created_at=now)
    session.add(rule)
    session.flush()
    return rule


def list_rules(*, session: Session) -> list[RecoRule]:
    return list(session.scalars(select(RecoRule).order_by(RecoRule.created_at, RecoRule.id)))


def remove(*, session: Session, rule_id: str) -> None:
    if session.execute(delete(RecoRule).where(RecoRule.id == rule_id)).rowcount == 0:
        raise NotFound("no such recommendation rule", code="reco_rule_not_found")


def bump_version(client: redis_lib.Redis) -> None:
    """After the commit: other processes see the change at their next request. If Redis is
    down the change still counts here; elsewhere, once Redis is back and the next edit
    bumps the counter (or at restart)."""
    try:
        client.incr(keys.RULES_VERSION)
    except (redis_lib.ConnectionError, redis_lib.TimeoutError) as exc:
        log.warning("reco rules version not bumped", extra={"error": str(exc)})


class RuleCache:
    """Every rule, reloaded when the Redis counter differs from the one it was loaded at."""

    def __init__(self, sessions) -> None:
        self._sessions = sessions
        self._version: object = object()
        self._rules: list[RecoRule] = []
        self._lock = threading.Lock()

    def current(self, version) -> list[RecoRule]:
        if version == self._version:
            return self._rules
        with self._lock:
            if version != self._version:
                with self._sessions() as s:
                    rules = list_rules(session=s)
                    s.expunge_all()
                self._rules, self._version = rules, version
        return self._rules

    def last(self) -> list[RecoRule]:
        """The rules as last loaded (Redis down: the version cannot be checked)."""
        return self._rules

    def invalidate(self) -> None:
        self._version = object()


def rules_for(rules: list[RecoRule], placement: str, now: datetime) -> Rules:
    pins, boosts, cat_boosts = [], {}, {}
    cap = top_k = None
    for r in rules:
        if r.placement not in (None, placement):
            continue
        if (r.starts_at and now < r.starts_at) or (r.ends_at and now >= r.ends_at):
            continue
        if r.kind == "pin":
            pins.append((r.product_id, r.position))
        elif r.kind == "boost" and r.product_id:
            boosts[r.product_id] = boosts.get(r.product_id, 1.0) * r.multiplier
        elif r.kind == "boost":
            cat_boosts[r.category_id] = cat_boosts.get(r.category_id, 1.0) * r.multiplier
        elif r.kind == "diversity" and (cap is None or r.max_per_category < cap):
            cap, top_k = r.max_per_category, r.top_k  # the strictest cap wins
    return Rules(pins=tuple(pins), product_boosts=boosts, category_boosts=cat_boosts,
                 max_per_category=cap, diversity_top_k=top_k)
