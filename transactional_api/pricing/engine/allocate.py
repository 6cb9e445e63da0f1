"""Sharing a discount over lines (or shipping fees) in whole cents.

- `largest_remainder(total, weights)`: each share is total×weight//sum(weights); the cents
  left over go one each to the largest remainders (ties: lower index). Shares sum exactly to
  total; a zero weight never gets a cent; when every weight is 0 nothing is given.
- `water_fill(total, weights, caps)`: largest remainder, but no share exceeds its cap (a
  line's headroom = current amount − floor×quantity); what a capped share cannot take is
  shared again, by the same rule, over the uncapped ones, until all is given or every share
  is capped. Returns the shares and what no share could take (the caller records it as a
  floor block and does not give it).
- `place(targets, weights, caps)`: item-lane discounts target given shares (the free unit's
  own line); each is capped, and the overflow is water-filled over the others.
- `split_blocked(left, wanted, granted)`: which shares the undistributed cents belong to,
  in proportion to wanted − granted (largest remainder), for the floor-block records.
"""

from __future__ import annotations

from collections.abc import Sequence


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    n = len(weights)
    wsum = sum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * n
    qr = [divmod(total * w, wsum) for w in weights]
    shares = [q for q, _ in qr]
    left = total - sum(shares)
    if left:
        rems = [r for _, r in qr]
        # left < number of non-zero remainders, and a non-zero remainder needs a weight;
        # a stable sort keeps equal remainders in index order, even reversed
        for i in sorted(range(n), key=rems.__getitem__, reverse=True)[:left]:
            shares[i] += 1
    return shares


def water_fill(
    total: int, weights: Sequence[int], caps: Sequence[int]
) -> tuple[list[int], int]:
    n = len(weights)
    first = largest_remainder(total, weights)
    if sum(first) == total and all(s <= c for s, c in zip(first, caps, strict=True)):
        return first, 0  # the usual case: nobody is capped
    shares = [0] * n
    remaining = total
    active = [i for i in range(n) if weights[i] > 0 and caps[i] > 0]
    while remaining > 0 and active:
        part = largest_remainder(remaining, [weights[i] for i in active])
        still = []
        given = 0
        for i, s in zip(active, part, strict=True):
            room = caps[i] - shares[i]
            take = s if s < room else room
            shares[i] += take
            given += take
            if shares[i] < caps[i]:
                still.append(i)
        remaining -= given
        if len(still) == len(active):  # nobody capped: everything was given
            break
        active = still
    return shares, remaining


def place(
    targets: Sequence[int], weights: Sequence[int], caps: Sequence[int]
) -> tuple[list[int], int]:
    shares = [t if t < c else max(c, 0) for t, c in zip(targets, caps, strict=True)]
    overflow = sum(targets) - sum(shares)
    if overflow <= 0:
        return shares, 0
    room = [c - s for c, s in zip(caps, shares, strict=True)]
    extra, left = water_fill(overflow, weights, room)
    return [s + e for s, e in zip(shares, extra, strict=True)], left


def split_blocked(left: int, wanted: Sequence[int], granted: Sequence[int]) -> list[int]:
    return largest_remainder(
        left, [max(0, w - g) for w, g in zip(wanted, granted, strict=True)]
    )
