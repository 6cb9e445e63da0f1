"""Replay evaluation as in session-rec: every next click of every test session is a target.

A model is anything with `score(prefix, timestamp) -> np.ndarray` over all training item codes
(prefix = the session's item codes so far, oldest first; timestamp = the target click's time).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from recommender.sessions.data import TrainIndex

CUTOFFS = (20, 10)


class SessionModel(Protocol):
    def score(self, prefix: np.ndarray, timestamp: float) -> np.ndarray: ...


def target_rank(scores: np.ndarray, target: int) -> int:
    """1-based rank with ties broken against the target.

    Every item scoring the same as the target ranks ahead of it, so unscored items (0) sit tied
    at the bottom and an unscored target loses to all of them.
    """
    mine = scores[target]
    return int(np.count_nonzero(scores >= mine))  # counts the target itself once: 1 + others


@dataclass
class ReplayResult:
    predictions: int = 0
    seconds: float = 0.0
    hits: dict[int, int] = field(default_factory=dict)
    reciprocal: dict[int, float] = field(default_factory=dict)

    def add(self, rank: int, cutoffs) -> None:
        self.predictions += 1
        for k in cutoffs:
            if rank <= k:
                self.hits[k] = self.hits.get(k, 0) + 1
                self.reciprocal[k] = self.reciprocal.get(k, 0.0) + 1.0 / rank

    def metrics(self, cutoffs=CUTOFFS) -> dict[str, float]:
        n = max(self.predictions, 1)
        out: dict[str, float] = {}
        for k in cutoffs:
            out[f"hr@{k}"] = self.hits.get(k, 0) / n
            out[f"mrr@{k}"] = self.reciprocal.get(k, 0.0) / n
        out["ms_per_prediction"] = 1000.0 * self.seconds / n
        out["predictions"] = self.predictions
        return out


def encode_test(test: pd.DataFrame, index: TrainIndex) -> list[tuple[np.ndarray, np.ndarray]]:
    """Test sessions (already filtered) as (item codes, times) in time order."""
    frame = test.sort_values(["SessionId", "Time"], kind="mergesort")
    codes = index.encode(frame["ItemId"].to_numpy())
    times = frame["Time"].to_numpy(dtype=float)
    _, starts = np.unique(frame["SessionId"].to_numpy(), return_index=True)
    bounds = np.append(np.sort(starts), len(frame))
    return [(codes[a:b], times[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def replay(model: SessionModel, sessions, *, cutoffs=CUTOFFS) -> ReplayResult:
    result = ReplayResult()
    clock = time.perf_counter
    for codes, times in sessions:
        for pos in range(1, len(codes)):
            started = clock()
            scores = model.score(codes[:pos], times[pos])
            result.seconds += clock() - started
            result.add(target_rank(scores, int(codes[pos])), cutoffs)
    return result


def evaluate(models: Mapping[str, SessionModel], sessions, *, cutoffs=CUTOFFS,
             progress: Callable[[str], None] | None = None) -> dict[str, dict[str, float]]:
    """Every model over the same replay; figures per model name."""
    figures = {}
    for name, model in models.items():
        if progress:
            progress(f"replaying {name}")
        figures[name] = replay(model, sessions, cutoffs=cutoffs).metrics(cutoffs)
    return figures


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
