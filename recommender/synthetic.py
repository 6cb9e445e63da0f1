"""Synthetic shop behaviour at any size, for the training bench (not for evaluation: the
models are scored on real data, see recommender/sessions and recommender/intent).

Items have a Zipf-like popularity and belong to categories; a session browses mostly one
category, so co-occurrence and sequence models have structure to find. Vectorised with
numpy so a million interactions take about a second to make.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

START = pd.Timestamp("2026-01-01", tz="UTC")


@dataclass(frozen=True)
class Behaviour:
    interactions: pd.DataFrame  # as marts.fct_product_interactions
    orders: pd.DataFrame        # order_id, user_id, product_id, ordered_at (paid lines)
    products: pd.DataFrame      # product_id, category_id
    users: pd.DataFrame         # user_id, region, segment


def make(interactions: int, *, items: int = 20_000, users: int = 50_000, categories: int = 200,
         days: int = 30, seed: int = 0) -> Behaviour:
    rng = np.random.default_rng(seed)
    item_cat = rng.integers(0, categories, items)
    by_cat = [np.flatnonzero(item_cat == c) for c in range(categories)]
    by_cat = [ix if len(ix) else np.arange(1) for ix in by_cat]
    # popularity within a category: Zipf ranks
    weights = [1.0 / np.arange(1, len(ix) + 1) ** 0.9 for ix in by_cat]
    weights = [w / w.sum() for w in weights]

    lengths = np.clip(rng.geometric(0.2, size=interactions // 4 + 1), 1, 30)
    ends = np.cumsum(lengths)
    sessions = int(np.searchsorted(ends, interactions)) + 1
    lengths = lengths[:sessions]
    lengths[-1] -= ends[sessions - 1] - interactions
    session_of = np.repeat(np.arange(sessions), lengths)
    session_cat = rng.integers(0, categories, sessions)
    # 80% of clicks in the session's category, the rest anywhere
    stray = rng.random(interactions) < 0.2
    cats = np.where(stray, rng.integers(0, categories, interactions), session_cat[session_of])
    product = np.empty(interactions, dtype=np.int64)
    for c in np.unique(cats):
        at = np.flatnonzero(cats == c)
        product[at] = rng.choice(by_cat[c], size=len(at), p=weights[c])
    kind = rng.choice(np.array(["view", "cart", "purchase"]), size=interactions,
                      p=[0.85, 0.11, 0.04])
    weight = np.select([kind == "view", kind == "cart"], [1, 3], 5)
    session_start = rng.integers(0, days * 86_400, sessions)
    gaps = np.cumsum(rng.integers(5, 120, interactions))
    first = np.repeat(np.cumsum(lengths) - lengths, lengths)
    seconds = session_start[session_of] + gaps - gaps[first]
    user_of_session = rng.integers(0, users, sessions)
    signed_in = rng.random(sessions) < 0.6
    user = np.where(signed_in[session_of], user_of_session[session_of], -1)
    frame = pd.DataFrame({
        "visitor_key": "v" + pd.Series(user_of_session[session_of]).astype(str),
        "user_id": pd.Series(np.where(user >= 0, "u" + user.astype(str), None)),
        "session_key": "s" + pd.Series(session_of).astype(str),
        "product_id": "p" + pd.Series(product).astype(str),
        "interaction_type": kind,
        "weight": weight,
        "occurred_at": START + pd.to_timedelta(seconds, unit="s"),
    })
    bought = frame[(frame["interaction_type"] == "purchase") & frame["user_id"].notna()]
    orders = pd.DataFrame({
        "order_id": "o" + bought["session_key"].str[1:], "user_id": bought["user_id"],
        "product_id": bought["product_id"], "ordered_at": bought["occurred_at"],
    }).drop_duplicates(["order_id", "product_id"]).reset_index(drop=True)
    products = pd.DataFrame({"product_id": [f"p{i}" for i in range(items)],
                             "category_id": [f"c{c}" for c in item_cat]})
    regions = np.array(["north", "south", "east", "west", "centre"])
    segments = np.array(["champions", "loyal", "at_risk", "new", "hibernating"])
    people = pd.DataFrame({"user_id": [f"u{i}" for i in range(users)],
                           "region": regions[rng.integers(0, len(regions), users)],
                           "segment": segments[rng.integers(0, len(segments), users)]})
    return Behaviour(frame, orders, products, people)


def sessions_of(interactions: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """marts.fct_sessions-like rows for the intent model: one per session of `interactions`."""
    rng = np.random.default_rng(seed)
    kind = interactions["interaction_type"]
    per = interactions.assign(
        view=kind.eq("view"), cart=kind.eq("cart"), bought=kind.eq("purchase"),
    ).groupby("session_key", sort=False).agg(
        user_id=("user_id", "first"), page_views=("view", "sum"),
        reached_product_view=("view", "any"), reached_add_to_cart=("cart", "any"),
        has_conversion=("bought", "any"), session_start_at=("occurred_at", "min"),
        session_end_at=("occurred_at", "max")).reset_index()
    per["device"] = np.array(["mobile", "desktop", "tablet"])[rng.integers(0, 3, len(per))]
    per["channel"] = np.array(["direct", "search", "email", "social"])[
        rng.integers(0, 4, len(per))]
    return per
