"""Which locations an order's units come from: one replaceable function.

A strategy gets the demand per SKU, the shipping region, the candidate locations and the
sellable units per (SKU, location), and answers ``{sku_id: [(location_id, units), ...]}``
or raises InsufficientStock. It must not touch the database: reserve() has already locked
the rows and applies the answer. Configure another with FLYWHEEL_ALLOCATION_STRATEGY
("package.module:function").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from transactional_api.inventory.models import ALL_REGIONS

Allocation = dict[str, list[tuple[str, int]]]


@dataclass(frozen=True)
class Location:
    id: str
    regions: tuple[str, ...]
    priority: int

    def serves(self, region: str | None) -> bool:
        return region is None or ALL_REGIONS in self.regions or region in self.regions


class InsufficientStock(Exception):
    def __init__(self, sku_id: str, requested: int, available: int):
        super().__init__(f"{sku_id}: {requested} requested, {available} available")
        self.sku_id, self.requested, self.available = sku_id, requested, available


Strategy = Callable[..., Allocation]


def prefer_single_location(*, demand: dict[str, int], region: str | None,
                           locations: list[Location],
                           stock: dict[tuple[str, str], int]) -> Allocation:
    """One location serving the region that can ship everything; otherwise split, taking
    each SKU from as few locations as possible, best-stocked first (ties by priority)."""
    serving = sorted((loc for loc in locations if loc.serves(region)),
                     key=lambda loc: (loc.priority, loc.id))
    for loc in serving:
        if all(stock.get((sku, loc.id), 0) >= qty for sku, qty in demand.items()):
            return {sku: [(loc.id, qty)] for sku, qty in sorted(demand.items())}
    allocation: Allocation = {}
    for sku, qty in sorted(demand.items()):
        have = sum(max(stock.get((sku, loc.id), 0), 0) for loc in serving)
        if have < qty:
            raise InsufficientStock(sku, qty, have)
        ranked = sorted(serving, key=lambda loc: (-stock.get((sku, loc.id), 0), loc.priority,
                                                  loc.id))
        left, parts = qty, []
        for loc in ranked:
            take = min(left, stock.get((sku, loc.id), 0))
            if take > 0:
                parts.append((loc.id, take))
                left -= take
            if left == 0:
                break
        allocation[sku] = parts
    return allocation


@cache
def load_strategy(path: str) -> Strategy:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
