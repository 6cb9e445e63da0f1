"""Item-to-item co-occurrence ("viewed together in a session") and user recommendations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.preprocessing import normalize

from recommender.together import top_lists

SCORE_DECIMALS = 6

Neighbours = Mapping[str, list[tuple[str, float]]]


def session_item_matrix(interactions: pd.DataFrame) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Session × item matrix of interaction weights, with the item ids of its columns (sorted).

    A cell holds the strongest interaction of that session with that item, not the sum: ten
    reloads of a product page should not outweigh one purchase.
    """
    if interactions.empty:
        return sparse.csr_matrix((0, 0)), np.array([], dtype=str)
    frame = interactions.dropna(subset=["session_key", "product_id"])
    cells = (
        pd.DataFrame(
            {
                "session": frame["session_key"].astype(str),
                "product": frame["product_id"].astype(str),
                "weight": pd.to_numeric(frame["weight"], errors="coerce").fillna(0.0),
            }
        )
        .groupby(["session", "product"], sort=False)["weight"]
        .max()
        .reset_index()
    )
    cells = cells[cells["weight"] > 0]
    if cells.empty:
        return sparse.csr_matrix((0, 0)), np.array([], dtype=str)
    session_codes, sessions = pd.factorize(cells["session"])
    # Sorted codes make "smaller column index" mean "smaller product_id" for tie-breaks.
    item_codes, items = pd.factorize(cells["product"], sort=True)
    matrix = sparse.csr_matrix(
        (cells["weight"].to_numpy(dtype=float), (session_codes, item_codes)),
        shape=(len(sessions), len(items)),
    )
    return matrix, np.asarray(items, dtype=str)


def _similarity(matrix: sparse.csr_matrix, min_support: int) -> sparse.csr_matrix:
    """Cosine similarity between item columns, diagonal removed, pairs below min_support dropped."""
    unit = normalize(matrix, norm="l2", axis=0)
    similarity = (unit.T @ unit).tocsr()
    # Averaging with the transpose makes s(a, b) == s(b, a) bit for bit, whatever order the
    # sparse product summed in.
    similarity = ((similarity + similarity.T) * 0.5).tocsr()
    if min_support > 1:
        present = (matrix > 0).astype(np.float64)
        support = (present.T @ present).tocsr()
        similarity = similarity.multiply(support >= min_support).tocsr()
    similarity.setdiag(0.0)
    similarity.eliminate_zeros()
    similarity.data = np.clip(similarity.data, 0.0, 1.0)
    similarity.sort_indices()
    return similarity


def item_cooccurrence(
    interactions: pd.DataFrame, *, top_k: int = 20, min_support: int = 1
) -> dict[str, list[tuple[str, float]]]:
    """For each item, its top_k neighbours as (product_id, score), best first.

    Score = cosine similarity of the two items' weighted session vectors, in [0, 1] and
    symmetric. Support = number of sessions holding both items; pairs seen together in fewer
    than min_support sessions are dropped. Items with no neighbour are left out. Ties go to
    the smaller product_id.
    """
    if top_k <= 0:
        return {}
    matrix, items = session_item_matrix(interactions)
    if matrix.shape[1] == 0:
        return {}
    return top_lists(_similarity(matrix, min_support), items, top_k)


def rank_candidates(
    history: Iterable[str],
    item_neighbours: Neighbours,
    *,
    exclude: Iterable[str] = (),
    top_k: int = 20,
) -> list[tuple[str, float]]:
    """Candidates scored by summing their neighbour scores over the history items.

    The sum is divided by the history length so scores stay in [0, 1]; that constant per user
    does not change the ranking. Ties go to the smaller product_id.
    """
    seen = sorted({str(item) for item in history})
    if not seen or top_k <= 0:
        return []
    excluded = {str(item) for item in exclude}
    totals: dict[str, float] = {}
    for item in seen:
        for neighbour, score in item_neighbours.get(item, ()):
            if neighbour not in excluded:
                totals[neighbour] = totals.get(neighbour, 0.0) + score
    scored = [(pid, round(total / len(seen), SCORE_DECIMALS)) for pid, total in totals.items()]
    scored = [(pid, score) for pid, score in scored if score > 0]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:top_k]


def user_recommendations(
    interactions: pd.DataFrame, item_neighbours: Neighbours, *, top_k: int = 20
) -> dict[str, list[tuple[str, float]]]:
    """Per signed-in user, top_k (product_id, score) from the neighbours of everything they touched.

    Items the user already purchased are excluded; items only viewed or carted may come back,
    since they are still candidates for a sale. Anonymous rows (null user_id) are ignored.
    Users with no candidate are left out: the API serves popular items to them instead.
    """
    if interactions.empty or not item_neighbours:
        return {}
    frame = interactions.dropna(subset=["user_id", "product_id"])
    frame = pd.DataFrame(
        {
            "user_id": frame["user_id"].astype(str),
            "product_id": frame["product_id"].astype(str),
            "purchased": frame["interaction_type"].astype(str) == "purchase",
        }
    )
    recommendations: dict[str, list[tuple[str, float]]] = {}
    for user_id, group in frame.groupby("user_id", sort=True):
        ranked = rank_candidates(
            group["product_id"],
            item_neighbours,
            exclude=group.loc[group["purchased"], "product_id"],
            top_k=top_k,
        )
        if ranked:
            recommendations[str(user_id)] = ranked
    return recommendations
