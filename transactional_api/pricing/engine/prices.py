"""Base price per line.

A line's base unit price is the lowest of its list price, the tiers whose min_quantity ≤
the line's quantity, and its other offers (member, promo, flash: the loader has already
kept only those that apply to this shopper now). The line records which source won
(`price_kind`, `price_label`); on a tie the list price wins, then tier, member, promo,
flash (then the earlier offer in the line's tuple). A base price under the line's floor is
raised to the floor and recorded as a `FloorBlock(promotion_id=None)` whose blocked_cents
is (floor − source price) × quantity.
"""

from __future__ import annotations

from dataclasses import dataclass

from transactional_api.pricing.engine.model import FloorBlock, Line, PriceKind

_RANK: dict[str, int] = {"list": 0, "tier": 1, "member": 2, "promo": 3, "flash": 4,
                         "group": 5, "mall": 6}


@dataclass(frozen=True)
class BasePrice:
    unit_cents: int
    kind: PriceKind
    label: str
    block: FloorBlock | None = None


def base_price(line: Line) -> BasePrice:
    best = (line.list_price_cents, 0, -1)
    kind: PriceKind = "list"
    label = ""
    for pos, offer in enumerate(line.offers):
        if offer.kind == "list" or (offer.kind == "tier" and offer.min_quantity > line.quantity):
            continue
        cand = (offer.unit_price_cents, _RANK[offer.kind], pos)
        if cand < best:
            best, kind, label = cand, offer.kind, offer.label
    unit = best[0]
    floor = line.floor_cents
    if floor is not None and unit < floor:
        block = FloorBlock(
            sku_id=line.sku_id, promotion_id=None, floor_cents=floor,
            attempted_unit_cents=unit, blocked_cents=(floor - unit) * line.quantity,
        )
        return BasePrice(floor, kind, label, block)
    return BasePrice(unit, kind, label)
