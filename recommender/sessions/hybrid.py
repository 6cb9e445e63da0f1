"""Weighted hybrid of session models, and the session's own items as repeat candidates."""

from __future__ import annotations

import numpy as np


def normalised(scores: np.ndarray) -> np.ndarray:
    top = scores.max() if len(scores) else 0.0
    return scores / top if top > 0 else scores


class Hybrid:
    """sum_i weight_i * score_i / max(score_i), plus an optional reminder term.

    reminder > 0 adds reminder * exp(-clicks_since / reminder_decay) to the items already
    clicked in this session (most recent click first): in YOOCHOOSE many next clicks go back to
    an item of the session, and the boost puts them ahead of rules that never point back.
    """

    def __init__(self, parts: list[tuple[object, float]], *, reminder: float = 0.0,
                 reminder_decay: float = 1.0):
        self.parts, self.reminder, self.reminder_decay = parts, reminder, reminder_decay

    def fit(self, index):
        for model, _ in self.parts:
            if getattr(model, "index", None) is not index:
                model.fit(index)
        return self

    def score(self, prefix: np.ndarray, timestamp: float) -> np.ndarray:
        total = None
        for model, weight in self.parts:
            part = weight * normalised(model.score(prefix, timestamp))
            total = part if total is None else total + part
        if self.reminder:
            items, rev_first = np.unique(prefix[::-1], return_index=True)
            total[items] += self.reminder * np.exp(-rev_first / self.reminder_decay)
        return total
