"""Session-kNN models: V-SKNN (Ludewig & Jannach 2018) and VSTAN (Ludewig et al. 2021).

Both find the training sessions sharing an item with the current session, keep the
`sample_size` most recent of them, weigh them by a position-aware similarity, keep the `k`
most similar and let each neighbour vote for its items. Vectorised: a prediction is a few
gathers and bincounts over the candidate sessions, never a Python loop over sessions.
"""

from __future__ import annotations

import numpy as np

from recommender.sessions.data import TrainIndex


def _top(values: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n largest values (all of them when there are fewer)."""
    if len(values) <= n:
        return np.arange(len(values))
    return np.argpartition(-values, n - 1)[:n]


class _Neighbourhood:
    k: int
    sample_size: int
    similarity: str  # "cosine" or "vec"
    remind: bool  # may the session's own items be recommended (repeat clicks are targets)

    def fit(self, index: TrainIndex):
        self.index = index
        return self

    def _position_weights(self, prefix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _neighbours(self, prefix: np.ndarray, timestamp: float):
        """(distinct prefix items, their weights, neighbour sessions, their similarity)."""
        ix = self.index
        items, weights = self._position_weights(prefix)
        # every (session, matching prefix item) pair, weighted by that item's position weight
        flat_start = ix.item_indptr[items]
        lengths = ix.item_indptr[items + 1] - flat_start
        sessions = ix.sessions_of(items)
        pair_weight = np.repeat(weights, lengths)
        candidates, inverse = np.unique(sessions, return_inverse=True)
        overlap = np.bincount(inverse, weights=pair_weight)
        recent = _top(ix.session_time[candidates], self.sample_size)
        candidates, overlap = candidates[recent], overlap[recent]
        if self.similarity == "vec":
            sim = overlap / len(items)
        else:  # cosine between the weighted current session and the binary neighbour
            sim = overlap / (np.sqrt((weights**2).sum()) * np.sqrt(ix.session_nuniq[candidates]))
        sim = self._time_decay(sim, candidates, timestamp)
        best = _top(sim, self.k)
        keep = sim[best] > 0
        return items, weights, candidates[best][keep], sim[best][keep]

    def _time_decay(self, sim, candidates, timestamp):
        return sim

    def _vote(self, flat_items: np.ndarray, contribution: np.ndarray, prefix) -> np.ndarray:
        scores = np.bincount(flat_items, weights=contribution, minlength=self.index.n_items)
        if not self.remind:
            scores[prefix] = 0.0
        return scores


class VSKNN(_Neighbourhood):
    """V-SKNN: linear position weights on the current session (i/length, the most recent
    click weighs 1), neighbour votes decayed by 1/steps back to the most recent shared item."""

    def __init__(self, k: int = 100, sample_size: int = 500, similarity: str = "vec",
                 idf_weight: float = 0.0, remind: bool = True):
        self.k, self.sample_size, self.similarity = k, sample_size, similarity
        self.idf_weight, self.remind = idf_weight, remind

    def _position_weights(self, prefix):
        n = len(prefix)
        # the last occurrence of an item sets its weight, as session-rec's pos_map does
        rev_items, rev_first = np.unique(prefix[::-1], return_index=True)
        last_index = n - 1 - rev_first
        return rev_items, (last_index + 1) / n

    def score(self, prefix: np.ndarray, timestamp: float) -> np.ndarray:
        ix = self.index
        items, _, neighbours, sim = self._neighbours(prefix, timestamp)
        flat, seg = ix.set_rows(neighbours)
        flat_items = ix.set_items[flat]
        last_in_prefix = np.full(ix.n_items, -1)
        last_in_prefix[items] = len(prefix) - 1 - np.unique(prefix[::-1], return_index=True)[1]
        shared = np.full(len(neighbours), -1)
        np.maximum.at(shared, seg, last_in_prefix[flat_items])
        steps = len(prefix) - shared  # 1 = the neighbour holds the most recent click
        contribution = (sim / steps)[seg]
        if self.idf_weight:
            contribution = contribution * (1.0 + ix.item_idf[flat_items] * self.idf_weight)
        return self._vote(flat_items, contribution, prefix)


class VSTAN(_Neighbourhood):
    """VSTAN: STAN's three exponential decays plus V-SKNN's idf and position-of-match weight.

    lambda_spw: current-session position weight exp((pos - length) / lambda_spw)
    lambda_snh: neighbour recency exp(-(now - neighbour end) / (lambda_snh days))
    lambda_inh: within a neighbour, items near its last shared item: exp(-|gap| / lambda_inh)
    lambda_ipw: vote decay by how far back the shared click is: exp((i - length) / lambda_ipw)
    lambda_idf: vote *= 1 + idf * lambda_idf
    A lambda of 0/None switches that factor off.
    """

    def __init__(self, k: int = 100, sample_size: int = 1000, similarity: str = "cosine",
                 lambda_spw: float | None = 1.02, lambda_snh: float | None = 5.0,
                 lambda_inh: float | None = 2.05, lambda_ipw: float | None = 1.02,
                 lambda_idf: float | None = 5.0, remind: bool = True):
        self.k, self.sample_size, self.similarity = k, sample_size, similarity
        self.lambda_spw, self.lambda_snh, self.lambda_inh = lambda_spw, lambda_snh, lambda_inh
        self.lambda_ipw, self.lambda_idf, self.remind = lambda_ipw, lambda_idf, remind

    def _position_weights(self, prefix):
        n = len(prefix)
        items, rev_first = np.unique(prefix[::-1], return_index=True)
        position = n - rev_first  # 1-based position of the last occurrence
        if not self.lambda_spw:
            return items, np.ones(len(items))
        return items, np.exp((position - n) / self.lambda_spw)

    def _time_decay(self, sim, candidates, timestamp):
        if not self.lambda_snh:
            return sim
        age = timestamp - self.index.session_time[candidates]
        return sim * np.exp(-age / (self.lambda_snh * 86_400.0))

    def score(self, prefix: np.ndarray, timestamp: float) -> np.ndarray:
        ix = self.index
        items, _, neighbours, sim = self._neighbours(prefix, timestamp)
        flat, seg = ix.set_rows(neighbours)
        flat_items = ix.set_items[flat]
        lastpos = ix.set_lastpos[flat]
        in_prefix = np.zeros(ix.n_items, dtype=bool)
        in_prefix[items] = True
        shared = in_prefix[flat_items]
        contribution = sim[seg]
        if self.lambda_inh:
            anchor = np.zeros(len(neighbours))
            np.maximum.at(anchor, seg[shared], lastpos[shared])
            contribution = contribution * np.exp(-np.abs(lastpos - anchor[seg]) / self.lambda_inh)
        if self.lambda_idf:
            contribution = contribution * (1.0 + ix.item_idf[flat_items] * self.lambda_idf)
        if self.lambda_ipw:
            n = len(prefix)
            last_in_prefix = np.full(ix.n_items, -1.0)
            last_in_prefix[items] = n - 1 - np.unique(prefix[::-1], return_index=True)[1]
            match = np.full(len(neighbours), -1.0)
            np.maximum.at(match, seg[shared], last_in_prefix[flat_items[shared]])
            contribution = contribution * np.exp((match + 1 - n) / self.lambda_ipw)[seg]
        return self._vote(flat_items, contribution, prefix)
