"""What the storefront uses at request time: precomputed next-item lists per item, combined
over the shopper's last few clicks with recency weights.

The full kNN needs every training session in memory; serving instead reads one short list per
recent item (from Redis, published by pipelines/serve/recommendations.py as
bundle["lists"]["session_next"]) and merges them with `recommender.serving.score_recent`, the
one copy the API also uses. The `Served` model replays that approximation offline, so we know
what it loses vs the full model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from recommender.serving import RECENCY_DECAY, RECENT_ITEMS, SCORE_DECIMALS, score_recent
from recommender.sessions.data import TrainIndex

LIST_LENGTH = 50


def export_next_lists(model, index: TrainIndex, *, n: int = LIST_LENGTH,
                      timestamp: float | None = None) -> dict[str, list[tuple[str, float]]]:
    """Per training item, the model's top-n next items for a session holding only that item.

    Scores are divided by the list's best score so lists are comparable when merged.
    Equal scores are ordered by item id, so the export never depends on dict order.
    """
    now = float(index.session_time.max()) if timestamp is None else timestamp
    lists: dict[str, list[tuple[str, float]]] = {}
    for code, item in enumerate(index.item_ids):
        scores = model.score(np.array([code]), now)
        scored = np.flatnonzero(scores > 0)
        if not len(scored):
            continue
        best = scored[np.lexsort((index.item_ids[scored], -scores[scored]))][:n]
        top = float(scores[best[0]])
        lists[str(item)] = [(str(index.item_ids[j]), round(float(scores[j]) / top, SCORE_DECIMALS))
                            for j in best]
    return lists


class Served:
    """Replays `score_recent` over exported lists as a session model (for the evaluator)."""

    def __init__(self, lists: Mapping[str, Sequence[Sequence]], index: TrainIndex, *,
                 limit: int = LIST_LENGTH, max_items: int = RECENT_ITEMS,
                 decay: float = RECENCY_DECAY):
        self.lists, self.index = lists, index
        self.limit, self.max_items, self.decay = limit, max_items, decay

    def fit(self, index: TrainIndex) -> Served:
        return self

    def score(self, prefix: np.ndarray, timestamp: float) -> np.ndarray:
        ids = self.index.item_ids
        ranked = score_recent([ids[c] for c in prefix], self.lists, limit=self.limit,
                              max_items=self.max_items, decay=self.decay)
        out = np.zeros(self.index.n_items)
        if ranked:
            codes = self.index.encode(item for item, _ in ranked)
            out[codes] = [score for _, score in ranked]
        return out
