"""Random search on the training file's OWN last day (never on any other data).

`python -m recommender.sessions tune --train FILE` reruns it; the defaults in models.py
record what it chose.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from recommender.sessions.baselines import SequentialRules
from recommender.sessions.hybrid import Hybrid
from recommender.sessions.knn import VSTAN
from recommender.sessions.replay import replay

VSTAN_GRID = {
    "k": [50, 100, 200, 500, 1000, 2000],
    "sample_size": [500, 1000, 2500, 5000, 10000],
    "similarity": ["cosine", "vec"],
    "lambda_spw": [None, 0.5, 1, 2, 4, 8],
    "lambda_snh": [None, 2.5, 5, 10, 20, 40, 80],
    "lambda_inh": [None, 0.5, 1, 2, 4, 8],
    "lambda_ipw": [None, 0.5, 1, 2, 4, 8],
    "lambda_idf": [None, 1, 2, 5, 10],
}
HYBRID_GRID = {
    "sr_weight": [0.0, 0.1, 0.2, 0.3, 0.5, 0.8],
    "reminder": [0.0, 0.05, 0.1, 0.2, 0.4, 0.8],
    "reminder_decay": [0.5, 1.0, 2.0, 4.0],
}


def build_hybrid(index, vstan: dict, sr_weight: float, reminder: float, reminder_decay: float):
    parts = [(VSTAN(**vstan).fit(index), 1.0)]
    if sr_weight:
        parts.append((SequentialRules().fit(index), sr_weight))
    return Hybrid(parts, reminder=reminder, reminder_decay=reminder_decay).fit(index)


def random_search(index, sessions, *, iterations: int, seed: int = 13, vstan: dict | None = None,
                  report: Callable[[str], None] = print) -> list[dict]:
    """Sample VSTAN parameters (or, given `vstan`, the hybrid's) and replay each on `sessions`."""
    rng = random.Random(seed)
    rows = []
    for _ in range(iterations):
        if vstan is None:
            params = {k: rng.choice(v) for k, v in VSTAN_GRID.items()}
            model = VSTAN(**params).fit(index)
        else:
            params = {k: rng.choice(v) for k, v in HYBRID_GRID.items()}
            model = build_hybrid(index, vstan, **params)
        m = replay(model, sessions).metrics()
        row = {"params": params, "hr@20": round(m["hr@20"], 4), "mrr@20": round(m["mrr@20"], 4),
               "ms": round(m["ms_per_prediction"], 3)}
        rows.append(row)
        report(json.dumps(row))
    return sorted(rows, key=lambda r: -(r["hr@20"] + r["mrr@20"]))
