"""Serving the published recommendation bundle per placement (home, product, cart,
bought together): one Redis pipeline for the lists (a second only for a session's recent
items), in-process caches instead of SQL, re-ranking, and fallbacks that never fail.

Sources are tried in the variant's order; the first that leaves any item after
re-ranking is served and named in ``model``. With Redis down, the last popular list this
process saw is served as ``fallback_popular``, else nothing as ``unavailable``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field

import orjson
import redis as redis_lib

from recommender.serving import rerank, score_recent
from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import NotFound
from transactional_api.recommendations import keys
from transactional_api.recommendations.caches import (
    Refreshing,
    UserFacts,
    UserFactsCache,
    load_catalogue,
)
from transactional_api.recommendations.rules_service import RuleCache, rules_for
from transactional_api.recommendations.variants import assign

log = logging.getLogger("flywheel.recommendations")
CANDIDATES = 100
TRENDING_EVERY = 5  # home: every 5th slot comes from trending
_init_lock = threading.Lock()


@dataclass
class ServingState:
    sessions: object
    settings: object
    catalogue: Refreshing
    users: UserFactsCache
    rules: RuleCache
    version: str | None = None  # the pointer last seen: the lists are fetched with it
    last_popular: list = field(default_factory=list)
    known_products: dict = field(default_factory=dict)


def state_of(app) -> ServingState:
    """Built on first use, so app.py only registers the routers."""
    found = getattr(app.state, "reco_serving", None)
    if found is not None:
        return found
    with _init_lock:
        if getattr(app.state, "reco_serving", None) is None:
            st, sessions = app.state.settings, app.state.read_sessions

            def load():
                with sessions() as s:
                    return load_catalogue(s)

            app.state.reco_rules = RuleCache(sessions)
            app.state.reco_serving = ServingState(
                sessions=sessions, settings=st,
                catalogue=Refreshing(load, st.reco_catalogue_refresh_seconds),
                users=UserFactsCache(sessions, seconds=st.reco_user_cache_seconds,
                                     window_days=st.reco_bought_window_days),
                rules=app.state.reco_rules)
    return app.state.reco_serving


@dataclass(frozen=True)
class Ask:
    placement: str
    limit: int
    user_id: str | None = None
    session_key: str | None = None
    product_id: str | None = None
    region: str | None = None
    recent: tuple[str, ...] | None = None     # explicit, most recent first
    cart_items: tuple[str, ...] = ()


def _decode(raw) -> list:
    if not raw:
        return []
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []


def serve(state: ServingState, client, ask: Ask) -> dict:
    st = state.settings
    variant = assign(ask.user_id or ask.session_key, salt=st.reco_experiment_salt,
                     variants=sorted(st.reco_variants))
    plan = st.reco_variants[variant].get(ask.placement) or ["popular"]
    catalogue = state.catalogue.get()
    category = None
    if ask.product_id is not None:
        category = catalogue.category_of.get(ask.product_id)
        if category is None and not _exists(state, ask.product_id):
            raise NotFound("product not found", code="product_not_found")
    facts = state.users.get(ask.user_id) if ask.user_id else UserFacts(frozenset(), None)
    region = ask.region or facts.region
    try:
        lists, rules_version, recent, version, intent = _fetch(state, client, ask, plan,
                                                               category, region)
        rules = state.rules.current(rules_version)
    except (redis_lib.ConnectionError, redis_lib.TimeoutError) as exc:
        log.warning("recommendations from the last known copy", extra={"error": str(exc)})
        lists, recent, version, rules, intent = None, [], None, state.rules.last(), None
    rules = rules_for(rules, ask.placement, clock.now())
    exclude = set(ask.cart_items)
    if ask.product_id:
        exclude.add(ask.product_id)

    def ranked(candidates):
        return rerank(candidates, available=catalogue.category_of, bought=facts.bought,
                      exclude=exclude, rules=rules, limit=ask.limit)

    model, items = "unavailable", []
    if lists is None:
        if state.last_popular:
            model, items = "fallback_popular", ranked(state.last_popular)
    else:
        for source in plan:
            items = ranked(_candidates(source, lists, ask, recent))
            if items:
                model = source
                break
        if items and ask.placement == "home":
            items = _mix_trending(items, ranked(lists.get("trending", [])), ask.limit)
    return {"list_id": uuid.uuid4().hex, "placement": ask.placement, "model": model,
            "version": version, "variant": variant, "intent": intent,
            "items": [{"product_id": p, "score": round(s, 6), "position": i}
                      for i, (p, s) in enumerate(items, 1)]}


def _exists(state: ServingState, product_id: str) -> bool:
    """Delisted or out of stock (still 200, nothing of it shown) vs unknown (404)."""
    hit = state.known_products.get(product_id)
    if hit is None:
        with state.sessions() as s:
            hit = bool(catalog.product_skus(session=s, product_ids=[product_id], sku_ids=[]))
        if len(state.known_products) > 100_000:
            state.known_products.clear()
        state.known_products[product_id] = hit
    return hit


def _seeds(ask: Ask, recent: list[str]) -> list[str]:
    """The items the session-based lists start from, most recent first."""
    head = [ask.product_id] if ask.product_id else []
    return list(dict.fromkeys([*head, *recent, *ask.cart_items]))[:30]


def _wanted(ask: Ask, plan, category, region, version, recent) -> dict[str, str]:
    """Name in ``lists`` -> Redis key, for what this request may need."""
    v, out = version, {}
    items = [ask.product_id] if ask.product_id else list(ask.cart_items)
    for source in plan:
        if source == "session_next":
            for pid in _seeds(ask, recent):
                out[f"session_next:{pid}"] = keys.reco_list(v, "session_next", pid)
        elif source in ("fbt", "viewed_together"):
            for pid in items[:20]:
                out[f"{source}:{pid}"] = keys.reco_list(v, source, pid)
        elif source == "als" and ask.user_id:
            out["als"] = keys.reco_list(v, "als", ask.user_id)
        elif source == "popular_region" and region:
            out["popular_region"] = keys.reco_list(v, "popular", f"region:{region}")
        elif source == "popular_category" and category:
            out["popular_category"] = keys.reco_list(v, "popular", f"category:{category}")
    out["popular"] = keys.reco_list(v, "popular", "all")  # also the Redis-down copy
    if ask.placement == "home":
        out["trending"] = keys.reco_list(v, "trending", "all")
    return out


def _fetch(state, client, ask, plan, category, region):
    recent = list(ask.recent or ())
    read_recent = ask.recent is None and ask.session_key is not None
    for _ in range(2):  # a second pass only when the pointer moved under us
        version = state.version
        wanted = _wanted(ask, plan, category, region, version, recent) if version else {}
        pipe = client.pipeline(transaction=False)
        pipe.get(keys.RECO_CURRENT)
        pipe.get(keys.RULES_VERSION)
        if read_recent:
            pipe.lrange(keys.session_recent(ask.session_key), 0,
                        state.settings.reco_recent_items - 1)
        if ask.session_key is not None and version:
            pipe.hget(keys.intent_sessions(version), ask.session_key)
        if wanted:
            pipe.mget(list(wanted.values()))
        got = pipe.execute()
        pointer = got[0].decode() if got[0] else None
        if read_recent:
            recent = [p.decode() for p in got[2]]
        if pointer == version:
            break
        state.version = pointer
        if pointer is None:
            return {}, got[1], recent, None, None
    intent = None
    if ask.session_key is not None and version:
        intent = _probability(got[3 if read_recent else 2])
    values = dict(zip(wanted, got[-1] if wanted else [], strict=True))
    if "session_next" in plan and read_recent and version:
        more = {f"session_next:{p}": keys.reco_list(version, "session_next", p)
                for p in _seeds(ask, recent) if f"session_next:{p}" not in values}
        if more:
            values.update(zip(more, client.mget(list(more.values())), strict=True))
    lists = {name: _decode(raw) for name, raw in values.items()}
    if lists.get("popular"):
        state.last_popular = lists["popular"]
    return lists, got[1], recent, version, intent


def _probability(raw) -> float | None:
    """The bundle's purchase probability of the session (scored at training), if any."""
    try:
        return round(float(raw), 6) if raw is not None else None
    except ValueError:
        return None


def _candidates(source: str, lists: dict, ask: Ask, recent: list[str]):
    if source == "session_next":
        items = _seeds(ask, recent)
    elif source in ("fbt", "viewed_together"):
        items = [ask.product_id] if ask.product_id else list(ask.cart_items)
    else:
        return lists.get(source) or []
    # Our lists run most recent first; score_recent reads the session oldest first.
    return score_recent(items[::-1], {p: lists.get(f"{source}:{p}") for p in items},
                        limit=CANDIDATES)


def _mix_trending(items, trending, limit):
    """Every TRENDING_EVERY-th slot goes to the next trending item (moved up if it was
    further down the primary list); each product once."""
    out, used = [], set()
    primary, extra = list(items), list(trending)
    while len(out) < limit and (primary or extra):
        trend_slot = (len(out) + 1) % TRENDING_EVERY == 0 or not primary
        pid, score = (extra if trend_slot and extra else primary).pop(0)
        if pid not in used:
            used.add(pid)
            out.append((pid, score))
    return out
