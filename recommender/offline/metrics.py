"""Ranking metrics at K for one user, and list-level coverage and popularity bias.

Relevance is binary: an item is relevant when it is one of the user's held-out targets.
HR@K is 1 when any target is in the top K; MRR@K is 1 / rank of the first target (0 when
none); NDCG@K is DCG (sum of 1 / log2(rank + 1) over the targets in the top K) divided by
the DCG of an ideal list holding min(|targets|, K) targets first.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence


def hit_rate(ranked: Sequence[str], targets: Collection[str], k: int) -> float:
    return 1.0 if any(item in targets for item in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], targets: Collection[str], k: int) -> float:
    for rank, item in enumerate(ranked[:k], start=1):
        if item in targets:
            return 1.0 / rank
    return 0.0


def ndcg(ranked: Sequence[str], targets: Collection[str], k: int) -> float:
    if not targets or k <= 0:
        return 0.0
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, item in enumerate(ranked[:k], start=1)
        if item in targets
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(targets), k) + 1))
    return dcg / ideal


def coverage(lists: Iterable[Sequence[str]], catalog_size: int, k: int) -> float:
    """Share of the catalog that appears in at least one user's top K."""
    if catalog_size <= 0:
        return 0.0
    shown = {item for ranked in lists for item in ranked[:k]}
    return len(shown) / catalog_size


def popularity_percentiles(counts: Mapping[str, float]) -> dict[str, float]:
    """Each item's popularity percentile in (0, 1]: 1 for the most popular, ties share the top.

    An item's percentile is the share of items at most as popular as it.
    """
    values = sorted(counts.values())
    total = len(values)
    percentiles: dict[str, float] = {}
    for item, count in counts.items():
        percentiles[item] = bisect_right(values, count) / total
    return percentiles


def popularity_bias(
    lists: Iterable[Sequence[str]], percentiles: Mapping[str, float], k: int
) -> float:
    """Mean over users of the mean popularity percentile of their top K (unseen items: 0)."""
    per_user = [
        sum(percentiles.get(item, 0.0) for item in ranked[:k]) / len(ranked[:k])
        for ranked in lists
        if ranked[:k]
    ]
    return sum(per_user) / len(per_user) if per_user else 0.0
