"""Offline evaluation: does co-occurrence beat plain popularity on held-out interactions?"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from recommender.cooccurrence import item_cooccurrence, rank_candidates
from recommender.popularity import popularity_scores

SCORE_DECIMALS = 6
Holdout = Literal["item", "session"]


def _ordered(interactions: pd.DataFrame) -> pd.DataFrame:
    frame = interactions.dropna(subset=["visitor_key", "session_key", "product_id"]).copy()
    frame["visitor_key"] = frame["visitor_key"].astype(str)
    frame["session_key"] = frame["session_key"].astype(str)
    frame["product_id"] = frame["product_id"].astype(str)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    # A stable sort keeps the input order for equal timestamps, so the split is reproducible.
    frame = frame.sort_values(["visitor_key", "occurred_at"], kind="mergesort")
    return frame.reset_index(drop=True)


def _split_last_item(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[set, set]]]:
    """Hold out each visitor's last item; history = what they touched before first seeing it.

    Cutting at the first occurrence of the target keeps it out of the visitor's own history,
    otherwise "recommend what they already viewed" would score trivially.
    """
    frame = frame.assign(position=frame.groupby("visitor_key").cumcount())
    target = frame.groupby("visitor_key")["product_id"].last()
    frame["target"] = frame["visitor_key"].map(target)
    cut = frame[frame["product_id"] == frame["target"]].groupby("visitor_key")["position"].min()
    frame["cut"] = frame["visitor_key"].map(cut)
    evaluated = frame["cut"] > 0
    train = frame[~evaluated | (frame["position"] < frame["cut"])]
    cases: dict[str, tuple[set, set]] = {}
    history = frame[evaluated & (frame["position"] < frame["cut"])]
    for visitor, items in history.groupby("visitor_key")["product_id"]:
        cases[str(visitor)] = (set(items), {target[visitor]})
    return train, cases


def _split_last_session(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[set, set]]]:
    """Hold out each returning visitor's last session; targets = its items not seen before."""
    starts = frame.groupby(["visitor_key", "session_key"], as_index=False)["occurred_at"].min()
    starts = starts.sort_values(["visitor_key", "occurred_at", "session_key"], kind="mergesort")
    returning = starts.groupby("visitor_key")["session_key"].transform("size") > 1
    last = starts[returning].groupby("visitor_key")["session_key"].last()
    in_last = frame["session_key"] == frame["visitor_key"].map(last)
    cases: dict[str, tuple[set, set]] = {}
    held_out = pd.Series(False, index=frame.index)
    for visitor, rows in frame[frame["visitor_key"].isin(last.index)].groupby("visitor_key"):
        mask = in_last.loc[rows.index]
        history = set(rows.loc[~mask, "product_id"])
        targets = set(rows.loc[mask, "product_id"]) - history
        if history and targets:
            cases[str(visitor)] = (history, targets)
            held_out.loc[rows.index[mask.to_numpy()]] = True
    return frame[~held_out], cases


def hit_rate_at_k(
    interactions: pd.DataFrame, *, k: int = 10, holdout: Holdout = "item"
) -> dict[str, float | int]:
    """Share of visitors whose held-out item shows up in the top k, per recommender.

    holdout="item": each visitor's last item is hidden (works for single-session data);
    holdout="session": each returning visitor's last session is hidden, a hit being any of
    its new items in the top k. Both recommenders are trained on what remains and exclude the
    visitor's history from their lists, so they compete on the same candidates.
    Returns {"popularity": hit rate, "cooccurrence": hit rate, "users": visitors evaluated}.
    """
    result: dict[str, float | int] = {"popularity": 0.0, "cooccurrence": 0.0, "users": 0}
    if interactions.empty or k <= 0:
        return result
    frame = _ordered(interactions)
    split = _split_last_session if holdout == "session" else _split_last_item
    train, cases = split(frame)
    if not cases:
        return result

    ranking = popularity_scores(train)["product_id"].tolist()
    neighbours = item_cooccurrence(train, top_k=max(20, k))
    popularity_hits = cooccurrence_hits = 0
    for history, targets in cases.values():
        popular = []
        for pid in ranking:
            if pid not in history:
                popular.append(pid)
                if len(popular) == k:
                    break
        popularity_hits += bool(targets.intersection(popular))
        ranked = rank_candidates(history, neighbours, exclude=history, top_k=k)
        cooccurrence_hits += bool(targets.intersection(pid for pid, _ in ranked))
    users = len(cases)
    result["popularity"] = round(popularity_hits / users, SCORE_DECIMALS)
    result["cooccurrence"] = round(cooccurrence_hits / users, SCORE_DECIMALS)
    result["users"] = users
    return result
