"""The growth plays in the simulated shop (issue 14): group buys, the points mall, promoters
and the landing page run on every simulated day; the flash sale runs once at the end, in
real time. Each play's own module draws from the seed; this only sets them up, calls them
in the day's order and gathers their counters for the summary."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.flash_sales import SimFlashSale
from transactional_api.simulator.group_buys import SimGroupBuys
from transactional_api.simulator.landing import SimLanding
from transactional_api.simulator.points_mall import SimPointsMall
from transactional_api.simulator.promoters import SimPromoters
from transactional_api.simulator.shoppers import PlannedProduct, Shopper

log = logging.getLogger("flywheel.simulator")


@dataclass
class Plays:
    client: ApiClient
    admin_token: str | None
    seed: int
    catalog: list[PlannedProduct]
    runner: object  # visits.VisitRunner: who is signed in
    group_buys: SimGroupBuys | None = None
    mall: SimPointsMall | None = None
    promoters: SimPromoters | None = None
    landing: SimLanding | None = None
    flash: SimFlashSale | None = None
    landing_ready: bool = False
    prices: dict[str, int] = field(default_factory=dict)  # sku -> list price

    def setup(self, start: datetime, end: datetime) -> None:
        if not self.admin_token:
            return
        self.group_buys = SimGroupBuys(self.client, self.admin_token, self.seed)
        self.mall = SimPointsMall(self.client, self.admin_token, self.seed,
                                  catalog=self.catalog)
        self.promoters = SimPromoters(self.client, self.admin_token, self.seed,
                                      runner=self.runner)
        self.landing = SimLanding(self.client, self.admin_token, self.seed)
        self.flash = SimFlashSale(self.client, self.admin_token, self.seed)
        for product in self.catalog[:8]:
            try:
                got = self.client.get(f"/v1/products/{product.product_id}", clock=start)
            except ApiError:
                continue
            self.prices.update({s["id"]: s["price_cents"] for s in got["skus"]})
        picks = [(s, p) for s, p in self.prices.items() if p > 1][2:5]
        self.group_buys.create_offers(picks, start, end + timedelta(days=1))
        self.mall.setup(start)
        self.landing_ready = self.landing.setup(clock=start)

    def end_of_day(self, shoppers: list[Shopper], day: int, day_start: datetime,
                   day_end: datetime) -> None:
        if self.group_buys is None:
            return
        if self.landing_ready:
            self.landing.day(shoppers, day_start)
        self.group_buys.run_day(self.tokens(shoppers), day, day_start, day_end)
        self.mall.end_of_day(shoppers, day, day_end)
        self.promoters.end_of_day(shoppers, day, day_end)

    def finish(self, shoppers: list[Shopper]) -> None:
        """The flash sale, on the first product's first SKU, among the signed-in shoppers."""
        if self.flash is None or not self.prices:
            return
        sku, price = next(iter(self.prices.items()))
        self.flash.run(self.tokens(shoppers), sku, price)

    def tokens(self, shoppers: list[Shopper]) -> list[str]:
        states = getattr(self.runner, "states", {})
        return [t for s in shoppers if (st := states.get(s.index))
                and (t := st.token or st.remembered)]

    def summary(self) -> dict:
        if self.group_buys is None:
            return {}
        g, m, p, lp, f = self.group_buys, self.mall, self.promoters.counters, self.landing, \
            self.flash
        return {
            "flash_sale": {**f.counters, "reconciled": f.reconciled},
            "group_buys": {"opened": g.opened, "joined": g.joined, "paid": g.paid,
                           **{f"groups_{k}": v for k, v in g.closed.items()}},
            "points_mall": {"redeemed": m.redeemed, "points_spent": m.points_spent,
                            "cash_parts_paid": m.paid, "points_only": m.points_only},
            "promoters": {"applied": p.applied, "approved": p.approved, "bound": p.bound,
                          "withdrawals": p.withdrawals, "paid_out_cents": p.paid_out_cents},
            "landing": {"views": lp.views, "impressions": lp.impressions,
                        "clicks": lp.clicks, "orders": lp.orders},
        }
