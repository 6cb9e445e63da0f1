"""Every model the storefront serves, trained from warehouse frames into one bundle.

The bundle (a JSON-able dict, described in pipelines/serve/recommendations.py) is what one
training run publishes: next-click lists per item (session kNN + sequential rules, exported
per item), frequently bought and viewed together, ALS lists per user, popularity by
segment/region/category, time-decayed trending, and the intent section. Each step is timed
so the bench can print where the training time goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from recommender import als, together, trending
from recommender.intent.platform import intent_bundle, train_platform_intent
from recommender.sessions.data import build_index, normalise
from recommender.sessions.models import make_model
from recommender.sessions.serve import export_next_lists

LIST_LENGTH = 50
SESSION_MODEL = "vstan_sr"  # the best on validation (recommender/sessions/models.py)
# Clicks of the storefront's sessions that feed the next-item model: views and cart adds
# (a purchase is the order, not a click)
CLICKS = ("view", "cart")


@dataclass
class Inputs:
    interactions: pd.DataFrame            # marts.fct_product_interactions
    orders: pd.DataFrame | None = None    # paid lines: order_id, product_id, user_id, ordered_at
    categories: Mapping[str, str] = field(default_factory=dict)  # product -> category
    segments: Mapping[str, str] = field(default_factory=dict)    # user -> rfm segment
    regions: Mapping[str, str] = field(default_factory=dict)     # user -> region
    sessions: pd.DataFrame | None = None  # marts.fct_sessions, for the intent model
    live_sessions: pd.DataFrame | None = None  # the sessions to score (default: sessions)


Progress = Callable[[str], None]


def session_clicks(interactions: pd.DataFrame) -> pd.DataFrame:
    clicks = interactions[interactions["interaction_type"].isin(CLICKS)]
    stamps = pd.to_datetime(clicks["occurred_at"], utc=True)
    return normalise(pd.DataFrame({
        "SessionId": clicks["session_key"].astype(str).to_numpy(),
        "ItemId": clicks["product_id"].astype(str).to_numpy(),
        "Time": (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(),
    }))


def _session_next(interactions: pd.DataFrame) -> dict:
    clicks = session_clicks(interactions)
    if clicks.empty:
        return {}
    index = build_index(clicks)
    return export_next_lists(make_model(SESSION_MODEL).fit(index), index, n=LIST_LENGTH)


def _als(interactions: pd.DataFrame) -> dict:
    signed_in = interactions[interactions["user_id"].notna()]
    if signed_in["user_id"].nunique() < 2 or signed_in["product_id"].nunique() < 2:
        return {}
    return als.recommend_all(als.fit(signed_in), n=LIST_LENGTH)


def train_bundle(inputs: Inputs, *, now: datetime, version: str,
                 progress: Progress | None = None) -> tuple[dict, dict[str, float]]:
    """(bundle, seconds per step)."""
    say = progress or (lambda _msg: None)
    frame = inputs.interactions
    timings: dict[str, float] = {}
    lists: dict = {}

    def step(name: str, fn: Callable[[], object]) -> object:
        say(f"training {name} on {len(frame):,} interactions")
        t0 = time.perf_counter()
        out = fn()
        timings[name] = time.perf_counter() - t0
        say(f"  {name}: {timings[name]:.1f} s")
        return out

    lists["session_next"] = step("session_next", lambda: _session_next(frame))
    views = frame[frame["interaction_type"].isin(CLICKS)]
    lists["viewed_together"] = step("viewed_together", lambda: together.viewed_together(
        views, top_n=LIST_LENGTH))
    orders = inputs.orders
    lists["fbt"] = step("fbt", lambda: together.frequently_bought_together(
        orders, top_n=LIST_LENGTH) if orders is not None and not orders.empty else {})
    lists["als"] = step("als", lambda: _als(frame))
    lists["popular"] = step("popular", lambda: trending.popular_lists(
        frame, segments=inputs.segments, regions=inputs.regions,
        categories=inputs.categories, n=LIST_LENGTH))
    lists["trending"] = step("trending", lambda: trending.trending(
        frame, now=now, n=LIST_LENGTH))
    sessions = inputs.sessions
    intent = step("intent", lambda: intent_bundle(
        train_platform_intent(sessions) if sessions is not None and len(sessions) else None,
        inputs.live_sessions if inputs.live_sessions is not None
        else (sessions if sessions is not None else pd.DataFrame())))
    bundle = {"version": version, "trained_at": now.isoformat(),
              "interactions": int(len(frame)), "lists": lists, "intent": intent}
    return bundle, timings
