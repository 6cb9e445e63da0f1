"""Implicit-feedback matrix factorization ("guess you like") with the `implicit` package's ALS.

Confidence of a (user, item) cell = log1p(summed interaction weight), view 1 < cart 3 <
purchase 5, so a purchase counts more than a view but a hundred reloads do not drown it
(Hu, Koren and Volinsky's log scaling); ALS multiplies it by `alpha`. One thread and a seed
make fits reproducible bit for bit; BLAS is held to one thread while implicit runs (it
warns, and slows down, when OpenBLAS threads compete with its own). A user who arrived after
training is folded in: their factors are solved against the fixed item factors from their
own interactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from implicit.cpu.als import AlternatingLeastSquares
from scipy import sparse
from threadpoolctl import threadpool_limits

SCORE_DECIMALS = 6
WEIGHTS = {"view": 1.0, "cart": 3.0, "purchase": 5.0}


@dataclass
class AlsModel:
    als: AlternatingLeastSquares
    users: np.ndarray  # user ids, row order of user_items
    items: np.ndarray  # product ids, column order
    user_index: dict[str, int]
    item_index: dict[str, int]
    user_items: sparse.csr_matrix  # confidence, before alpha


def _weights(frame: pd.DataFrame) -> pd.Series:
    if "weight" in frame.columns:
        return pd.to_numeric(frame["weight"], errors="coerce").fillna(0.0).clip(lower=0.0)
    kinds = frame["interaction_type"].astype(str).map(WEIGHTS)
    return kinds.fillna(0.0)


def _cells(interactions: pd.DataFrame, user: str) -> pd.DataFrame:
    frame = interactions.dropna(subset=[user, "product_id"])
    cells = pd.DataFrame(
        {
            "user": frame[user].astype(str),
            "item": frame["product_id"].astype(str),
            "weight": _weights(frame).to_numpy(dtype=float),
        }
    )
    cells = cells.groupby(["user", "item"], sort=True, as_index=False)["weight"].sum()
    cells = cells[cells["weight"] > 0]
    cells["confidence"] = np.log1p(cells["weight"])
    return cells


def fit(
    interactions: pd.DataFrame,
    *,
    user: str = "user_id",
    factors: int = 32,
    regularization: float = 1.0,
    alpha: float = 10.0,
    iterations: int = 15,
    seed: int = 0,
    threads: int = 1,
) -> AlsModel:
    """Fit on a frame with [user], product_id and weight (or interaction_type).

    Defaults are untuned on production data (none here yet); regularization 1.0 kept 32
    factors from memorising each user's few items on small synthetic shops, where 0.05 did.
    """
    cells = _cells(interactions, user)
    if cells.empty:
        raise ValueError("ALS needs at least one interaction with a user and a product")
    user_codes, users = pd.factorize(cells["user"], sort=True)
    item_codes, items = pd.factorize(cells["item"], sort=True)
    matrix = sparse.csr_matrix(
        (cells["confidence"].to_numpy(dtype=np.float32), (user_codes, item_codes)),
        shape=(len(users), len(items)),
    )
    with threadpool_limits(limits=1, user_api="blas"):
        als = AlternatingLeastSquares(
            factors=factors,
            regularization=regularization,
            alpha=alpha,
            iterations=iterations,
            random_state=seed,
            num_threads=threads,
        )
        als.fit(matrix, show_progress=False)
    users, items = np.asarray(users, dtype=str), np.asarray(items, dtype=str)
    return AlsModel(
        als=als,
        users=users,
        items=items,
        user_index={u: i for i, u in enumerate(users)},
        item_index={p: i for i, p in enumerate(items)},
        user_items=matrix,
    )


def _as_list(model: AlsModel, ids: np.ndarray, scores: np.ndarray) -> list[tuple[str, float]]:
    pairs = [
        (str(model.items[i]), round(float(s), SCORE_DECIMALS))
        for i, s in zip(ids, scores, strict=True)
        if i >= 0 and np.isfinite(s)
    ]
    # implicit breaks ties arbitrarily; the smaller product id wins here.
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def recommend(
    model: AlsModel, user_id: str, n: int = 20, *, filter_already_liked: bool = True
) -> list[tuple[str, float]]:
    """Top n (product_id, score) for a trained user; [] for a user unknown to the model."""
    row = model.user_index.get(str(user_id))
    if row is None or n <= 0:
        return []
    n = min(n, len(model.items))
    ids, scores = model.als.recommend(
        row, model.user_items[row], N=n, filter_already_liked_items=filter_already_liked
    )
    return _as_list(model, ids, scores)


def recommend_all(
    model: AlsModel, n: int = 20, *, filter_already_liked: bool = True
) -> dict[str, list[tuple[str, float]]]:
    """Every trained user's top n, in one batched call."""
    if n <= 0 or len(model.users) == 0:
        return {}
    rows = np.arange(len(model.users))
    ids, scores = model.als.recommend(
        rows,
        model.user_items,
        N=min(n, len(model.items)),
        filter_already_liked_items=filter_already_liked,
    )
    return {
        str(model.users[r]): _as_list(model, ids[r], scores[r]) for r in rows
    }


def _history_row(model: AlsModel, history: pd.DataFrame) -> sparse.csr_matrix:
    cells = _cells(history.assign(_fold_user="u"), "_fold_user")
    cells = cells[cells["item"].isin(model.item_index)]
    cols = cells["item"].map(model.item_index).to_numpy(dtype=np.int64)
    return sparse.csr_matrix(
        (cells["confidence"].to_numpy(dtype=np.float32), (np.zeros(len(cols), int), cols)),
        shape=(1, len(model.items)),
    )


def fold_in(
    model: AlsModel, history: pd.DataFrame, n: int = 20, *, filter_already_liked: bool = True
) -> list[tuple[str, float]]:
    """Top n for a user not in the model, from their own interactions (product_id, weight).

    Items the model never saw are ignored; with none left the user gets [] (popularity is
    the caller's fallback).
    """
    row = _history_row(model, history)
    if row.nnz == 0 or n <= 0:
        return []
    with threadpool_limits(limits=1, user_api="blas"):
        ids, scores = model.als.recommend(
            0,
            row,
            N=min(n, len(model.items)),
            filter_already_liked_items=filter_already_liked,
            recalculate_user=True,
        )
    return _as_list(model, ids, scores)


def fold_in_users(
    model: AlsModel,
    interactions: pd.DataFrame,
    *,
    user: str = "user_id",
    n: int = 20,
    skip: Iterable[str] = (),
) -> dict[str, list[tuple[str, float]]]:
    """fold_in for every user of `interactions` who is not in the model (or in `skip`)."""
    skipped = set(model.user_index) | {str(s) for s in skip}
    frame = interactions.dropna(subset=[user])
    lists: dict[str, list[tuple[str, float]]] = {}
    for user_id, group in frame.groupby(frame[user].astype(str), sort=True):
        if user_id in skipped:
            continue
        ranked = fold_in(model, group, n)
        if ranked:
            lists[user_id] = ranked
    return lists
