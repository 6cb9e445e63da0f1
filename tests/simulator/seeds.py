"""Plans for tests: the demo catalog as the planner sees it, and seeds that buy something.

A plan's shape does not depend on server ids or on the hour, so tests can choose a seed
offline that is known to place and pay an order once run against a real shop (paid at
once: not by a bank transfer, which settles later).
"""

from __future__ import annotations

from datetime import UTC, datetime

from transactional_api.simulator.catalog import build_demo_catalog
from transactional_api.simulator.shoppers import PlannedProduct, plan_simulation
from transactional_api.simulator.visits import planned_channel


def demo_products(seed: int = 0) -> list[PlannedProduct]:
    spec = build_demo_catalog(seed)
    return sorted(
        (PlannedProduct(p.name, p.category_slug, p.name, tuple(s.code for s in p.skus))
         for p in spec.products),
        key=lambda p: p.name,
    )


def seed_with_paid_order(shoppers: int, days: int, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    for seed in range(200):
        p = plan_simulation(seed=seed, shoppers=shoppers, days=days,
                            catalog=demo_products(seed), now=now)
        # a bank transfer settles hours later, so it may not count by the run's end
        if any(s.kind == "pay" and s.arg("outcome") == "succeed"
               and planned_channel(s) != "bank_transfer"
               for v in p.visits for s in v.steps):
            return seed
    raise AssertionError("no seed places and pays an order")
