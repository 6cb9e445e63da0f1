"""Item-to-item lists: "frequently bought together" (orders) and "viewed together" (sessions).

Both are one computation over baskets (an order, a session): count the baskets holding each
pair of items, then normalise. Raw counts favour best-sellers, which pair with everything;
plain cosine favours rare items, where one shared basket gives a perfect score. The score
here is cosine shrunk towards zero by the pair's support,

    score(a, b) = co(a, b) / sqrt(n(a) * n(b)) * co(a, b) / (co(a, b) + shrinkage)

with pairs seen in fewer than `min_support` baskets dropped. With a half-life, each basket
weighs 0.5 ** (age / half_life) relative to `now`, in co and in n alike; support for
`min_support` is always the raw basket count. Supersedes `cooccurrence.item_cooccurrence`
(max-weight cosine, no shrinkage), whose public functions stay for the old artifact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import numpy as np
import pandas as pd
from scipy import sparse

SCORE_DECIMALS = 6
# A basket larger than this is a crawler or a bulk order: it would add n² pairs of noise.
MAX_BASKET = 50

Neighbours = Mapping[str, list[tuple[str, float]]]


def _decay(times: pd.Series, now: datetime | None, half_life_days: float | None) -> np.ndarray:
    if half_life_days is None:
        return np.ones(len(times))
    stamps = pd.to_datetime(times, utc=True)
    reference = pd.Timestamp(now) if now is not None else stamps.max()
    if reference.tzinfo is None:
        reference = reference.tz_localize("UTC")
    age_days = ((reference - stamps).dt.total_seconds() / 86400.0).clip(lower=0.0)
    return np.power(0.5, age_days.to_numpy(dtype=float) / half_life_days)


def basket_matrix(
    frame: pd.DataFrame,
    *,
    basket: str,
    item: str = "product_id",
    time: str | None = None,
    now: datetime | None = None,
    half_life_days: float | None = None,
    max_basket: int = MAX_BASKET,
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Binary basket × item matrix, each basket's weight (decay), and the sorted item ids."""
    columns = [basket, item] + ([time] if time else [])
    rows = frame.dropna(subset=[basket, item])[columns]
    cells = pd.DataFrame({"basket": rows[basket].astype(str), "item": rows[item].astype(str)})
    cells["time"] = pd.to_datetime(rows[time], utc=True) if time else pd.NaT
    # A basket is dated by its last line: an order is placed once, a session ends once.
    cells = cells.groupby(["basket", "item"], sort=False, as_index=False)["time"].max()
    sizes = cells.groupby("basket")["item"].transform("size")
    cells = cells[sizes <= max_basket]
    if cells.empty:
        return sparse.csr_matrix((0, 0)), np.zeros(0), np.array([], dtype=str)
    basket_codes, baskets = pd.factorize(cells["basket"])
    item_codes, items = pd.factorize(cells["item"], sort=True)
    matrix = sparse.csr_matrix(
        (np.ones(len(cells)), (basket_codes, item_codes)), shape=(len(baskets), len(items))
    )
    basket_time = cells.groupby(basket_codes)["time"].max().sort_index()
    weights = _decay(basket_time, now, half_life_days) if time else np.ones(len(baskets))
    return matrix, weights, np.asarray(items, dtype=str)


def pair_scores(
    matrix: sparse.csr_matrix,
    weights: np.ndarray,
    *,
    min_support: int = 2,
    shrinkage: float = 5.0,
) -> sparse.csr_matrix:
    """Item × item shrunk cosine (see the module docstring), symmetric, zero diagonal."""
    weighted = sparse.diags(weights) @ matrix
    co = (matrix.T @ weighted).tocsr()  # decayed co-occurrence; diagonal = decayed n(item)
    support = (matrix.T @ matrix).tocsr()  # raw basket counts
    n = co.diagonal()
    co.setdiag(0.0)
    co.eliminate_zeros()
    co = co.multiply(support >= max(min_support, 1)).tocsr()
    co.eliminate_zeros()
    rows = np.repeat(np.arange(co.shape[0]), np.diff(co.indptr))
    values = co.data
    denom = np.sqrt(n[rows] * n[co.indices])
    scores = values / np.where(denom > 0, denom, 1.0) * values / (values + shrinkage)
    out = sparse.csr_matrix((scores, co.indices, co.indptr), shape=co.shape)
    out.sort_indices()
    return out


def top_lists(scores: sparse.csr_matrix, items: np.ndarray, top_n: int) -> dict:
    """Each item's top_n (item, score), best first, ties to the smaller id; empty rows left out."""
    lists: dict[str, list[tuple[str, float]]] = {}
    for row in range(scores.shape[0]):
        start, end = scores.indptr[row], scores.indptr[row + 1]
        if start == end:
            continue
        cols = scores.indices[start:end]
        values = np.round(scores.data[start:end], SCORE_DECIMALS)
        keep = values > 0
        cols, values = cols[keep], values[keep]
        if cols.size == 0:
            continue
        order = np.lexsort((cols, -values))[:top_n]
        lists[str(items[row])] = [
            (str(items[c]), float(v)) for c, v in zip(cols[order], values[order], strict=True)
        ]
    return lists


def together(
    frame: pd.DataFrame,
    *,
    basket: str,
    time: str | None = None,
    top_n: int = 20,
    min_support: int = 2,
    shrinkage: float = 5.0,
    half_life_days: float | None = None,
    now: datetime | None = None,
) -> dict[str, list[tuple[str, float]]]:
    if top_n <= 0 or frame.empty:
        return {}
    matrix, weights, items = basket_matrix(
        frame, basket=basket, time=time, now=now, half_life_days=half_life_days
    )
    if matrix.shape[1] == 0:
        return {}
    return top_lists(
        pair_scores(matrix, weights, min_support=min_support, shrinkage=shrinkage), items, top_n
    )


def frequently_bought_together(order_lines: pd.DataFrame, **options) -> dict:
    """From order lines (order_id, product_id, ordered_at): bought in the same order."""
    time = "ordered_at" if "ordered_at" in order_lines.columns else None
    return together(order_lines, basket="order_id", time=time, **options)


def viewed_together(sessions: pd.DataFrame, **options) -> dict:
    """From session events (session_key, product_id, occurred_at): touched in the same session."""
    time = "occurred_at" if "occurred_at" in sessions.columns else None
    return together(sessions, basket="session_key", time=time, **options)


def seeded(
    history: Iterable[str],
    neighbours: Neighbours,
    *,
    exclude: Iterable[str] = (),
    top_n: int = 20,
    recency: float = 0.8,
) -> list[tuple[str, float]]:
    """Candidates from the neighbour lists of a history given oldest first.

    The latest item weighs 1, the one before `recency`, and so on: what the shopper looked at
    last says most about what they want now. Ties go to the smaller product_id.
    """
    ordered = list(dict.fromkeys(str(item) for item in reversed(list(history))))
    excluded = {str(item) for item in exclude}
    totals: dict[str, float] = {}
    for age, item in enumerate(ordered):
        weight = recency**age
        for neighbour, score in neighbours.get(item, ()):
            if neighbour not in excluded:
                totals[neighbour] = totals.get(neighbour, 0.0) + weight * score
    ranked = sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))[:top_n]
    return [(pid, round(score, SCORE_DECIMALS)) for pid, score in ranked]
