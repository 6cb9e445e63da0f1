"""Shoppers with points redeeming them in the points mall: at the start the operator lists
a few of the catalog's SKUs for points (some points-only, some points plus cash); at each
simulated day's end every shopper signs in, looks at the mall with their balance, and
redeems an affordable item they may still take with REDEEM_CHANCE. A points-plus-cash
order is paid by sandbox card with PAY_CHANCE, else left to the unpaid-order sweeper (its
cancellation gives the points back). Draws come from the seed, the shopper and the day,
never from the plan's generator."""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.shoppers import PlannedProduct, Shopper

REDEEM_CHANCE = 0.35
PAY_CHANCE = 0.8
ITEMS = 4  # SKUs listed in the mall
GAP = timedelta(seconds=15)


@dataclass
class SimPointsMall:
    client: ApiClient
    admin_token: str | None
    seed: int
    catalog: list[PlannedProduct] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    redeemed: int = 0
    points_spent: int = 0
    refused: int = 0
    paid: int = 0
    points_only: int = 0  # redemptions the points paid in full (their orders paid at once)

    def setup(self, at: datetime) -> None:
        """List ITEMS SKUs of the catalog: even ones for points only, odd ones for points
        plus a little cash; each with a mall stock of its own."""
        if not self.admin_token or self.items:
            return
        skus = [p.sku_ids[0] for p in self.catalog if p.sku_ids][:ITEMS]
        for n, sku_id in enumerate(skus):
            body = {"kind": "goods", "title": f"Mall pick {n + 1}", "sku_id": sku_id,
                    "points_price": 200 + 100 * n, "cash_cents": 0 if n % 2 == 0 else 500,
                    "stock": 25, "per_user_limit": 2}
            try:
                self.items.append(self.client.post("/v1/admin/points-mall/items",
                                                   json=body, token=self.admin_token,
                                                   clock=at))
            except ApiError:
                continue  # a SKU not for sale: list the others

    def end_of_day(self, shoppers: list[Shopper], day: int, day_end: datetime) -> None:
        if not self.items:
            return
        at = day_end - timedelta(minutes=45)
        for shopper in shoppers:
            rng = random.Random(f"points-mall:{self.seed}:{shopper.index}:{day}")
            if rng.random() >= REDEEM_CHANCE:
                continue
            at += GAP
            try:
                self._visit(shopper, rng, day, at)
            except ApiError:
                self.refused += 1
        if self.admin_token:
            with contextlib.suppress(ApiError):
                self.client.post("/v1/admin/points-mall/give-backs/run",
                                 token=self.admin_token, clock=day_end)

    def _visit(self, shopper: Shopper, rng: random.Random, day: int, at: datetime) -> None:
        token = self.client.login(shopper.email, shopper.password, clock=at)
        mall = self.client.get("/v1/points-mall/items", token=token, clock=at)
        balance = mall["points_balance"]
        choices = [i for i in mall["items"] if i["on_sale"] and i["allowance_left"] > 0
                   and i["stock_left"] > 0 and i["points_price"] <= balance]
        if not choices:
            return
        item = rng.choice(choices)
        got = self.client.post(f"/v1/points-mall/items/{item['id']}/redeem", token=token,
                               clock=at, json={},
                               headers={"Idempotency-Key": f"sim-{shopper.index}-{day}"})
        self.redeemed += 1
        self.points_spent += got["points"]
        if got["order_status"] != "pending_payment":
            self.points_only += 1
        elif rng.random() < PAY_CHANCE:
            self.client.post(f"/v1/orders/{got['order_id']}/payments", token=token, clock=at,
                             json={"sandbox_outcome": "succeed"})
            self.paid += 1
