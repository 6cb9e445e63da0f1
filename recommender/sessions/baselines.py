"""The literature's simple baselines: popularity, association rules (AR), sequential rules (SR).

Rules are sparse item-by-item matrices built vectorised from the click sequences; predicting
reads one row (the session's last item), as session-rec's `ar` and `sr` do.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.sessions.data import TrainIndex


class Popularity:
    """Training click counts, the same list for every session."""

    def fit(self, index: TrainIndex) -> Popularity:
        self.scores = index.item_clicks / max(index.item_clicks.max(), 1.0)
        return self

    def score(self, prefix: np.ndarray, timestamp: float) -> np.ndarray:
        return self.scores.copy()


def _click_session(index: TrainIndex) -> np.ndarray:
    return np.repeat(np.arange(index.n_sessions), np.diff(index.seq_indptr))


def _prune(rules: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Keep each row's `keep` strongest rules (session-rec's pruning=20)."""
    if keep <= 0:
        return rules
    rows, cols, vals = [], [], []
    for r in range(rules.shape[0]):
        a, b = rules.indptr[r], rules.indptr[r + 1]
        if b - a > keep:
            # stable on the column order, so equal weights keep the lower item code
            top = np.argsort(-rules.data[a:b], kind="stable")[:keep]
            sel = np.arange(a, b)[np.sort(top)]
        else:
            sel = np.arange(a, b)
        rows.append(np.full(len(sel), r))
        cols.append(rules.indices[sel])
        vals.append(rules.data[sel])
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=rules.shape)


class _RuleModel:
    rules: sp.csr_matrix

    def score(self, prefix: np.ndarray, timestamp: float) -> np.ndarray:
        out = np.zeros(self.rules.shape[1])
        last = int(prefix[-1])
        a, b = self.rules.indptr[last], self.rules.indptr[last + 1]
        out[self.rules.indices[a:b]] = self.rules.data[a:b]
        return out


class AssociationRules(_RuleModel):
    """Co-occurrence of two clicks anywhere in the same session, counted both ways."""

    def __init__(self, pruning: int = 20):
        self.pruning = pruning

    def fit(self, index: TrainIndex) -> AssociationRules:
        items, session = index.seq_items, _click_session(index)
        rows, cols = [], []
        longest = int(np.diff(index.seq_indptr).max())
        for gap in range(1, longest):
            same = session[gap:] == session[:-gap]
            a, b = items[:-gap][same], items[gap:][same]
            rows += [a, b]
            cols += [b, a]
        n = index.n_items
        rows_a = np.concatenate(rows) if rows else np.zeros(0, int)
        cols_a = np.concatenate(cols) if cols else np.zeros(0, int)
        rules = sp.csr_matrix((np.ones(len(rows_a)), (rows_a, cols_a)), shape=(n, n))
        rules.sum_duplicates()
        self.rules = _prune(rules, self.pruning)
        return self


class SequentialRules(_RuleModel):
    """Click b after a within `steps` clicks of the same session, weighted 1/distance."""

    def __init__(self, steps: int = 10, pruning: int = 20):
        self.steps, self.pruning = steps, pruning

    def fit(self, index: TrainIndex) -> SequentialRules:
        self.rules = _prune(sequential_rule_matrix(index, self.steps), self.pruning)
        return self


def sequential_rule_matrix(index: TrainIndex, steps: int) -> sp.csr_matrix:
    items, session = index.seq_items, _click_session(index)
    rows, cols, vals = [], [], []
    for gap in range(1, steps + 1):
        if gap >= len(items):
            break
        same = session[gap:] == session[:-gap]
        rows.append(items[:-gap][same])
        cols.append(items[gap:][same])
        vals.append(np.full(int(same.sum()), 1.0 / gap))
    n = index.n_items
    if not rows:
        return sp.csr_matrix((n, n))
    rules = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    rules.sum_duplicates()
    return rules
