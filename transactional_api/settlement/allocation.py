"""Largest-remainder allocation and half-up proportional shares, in integer cents."""

from __future__ import annotations


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over ``weights`` so the parts sum to it exactly: floor shares, then
    one cent each to the largest remainders (earlier first on ties)."""
    if total < 0:
        return [-part for part in allocate(-total, weights)]
    whole = sum(weights)
    if not weights:
        return []
    if whole <= 0:
        parts = [0] * len(weights)
        parts[0] = total
        return parts
    parts = [total * w // whole for w in weights]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def share(amount: int, numerator: int, denominator: int) -> int:
    """round(amount x numerator / denominator), half away from zero; exact at n == d."""
    if denominator <= 0:
        return 0
    sign = -1 if amount * numerator < 0 else 1
    return sign * ((2 * abs(amount * numerator) + denominator) // (2 * denominator))
