"""A flash sale in the simulated shop, at the end of the run and in real time (the hot path
uses Redis' clock, not the simulated one): the operator puts a product on a flash sale with
less stock than there are shoppers, every signed-in shopper asks for a pass and tries to
buy at once, the winners' orders are made from the queue, most winners pay, one cancels
(the unit goes back to the pool and a shopper who lost tries again), and the operator ends
the sale, which records its reconciliation."""

from __future__ import annotations

import logging
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError

log = logging.getLogger("flywheel.simulator")
PAY_CHANCE = 0.85


@dataclass
class SimFlashSale:
    client: ApiClient
    admin_token: str
    seed: int
    counters: dict[str, int] = field(default_factory=lambda: {
        "shoppers": 0, "won": 0, "refused": 0, "paid": 0, "returned": 0})
    reconciled: bool | None = None

    def run(self, tokens: list[str], sku_id: str, list_price_cents: int) -> None:
        if len(tokens) < 3:
            return
        rng = random.Random(f"{self.seed}:flash")
        now = datetime.now(UTC)
        try:
            sale = self.client.post("/v1/admin/flash-sales", token=self.admin_token, json={
                "name": "Demo flash sale", "sku_id": sku_id,
                "flash_price_cents": max(1, list_price_cents * 6 // 10),
                "quantity": max(2, len(tokens) // 3), "per_user_limit": 1,
                "starts_at": (now - timedelta(seconds=1)).isoformat(),
                "ends_at": (now + timedelta(minutes=30)).isoformat()})
            self.client.post(f"/v1/admin/flash-sales/{sale['id']}/arm", token=self.admin_token)
        except ApiError as exc:  # not enough stock at one location, say: no sale today
            log.warning("flash sale not run: %s", exc)
            return
        passes = {t: self.client.post(f"/v1/flash-sales/{sale['id']}/pass", token=t)
                  ["flash_pass"] for t in tokens}
        self.counters["shoppers"] = len(passes)
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda t: self._reserve(sale["id"], passes[t]), passes))
        winners = {t: a for t, a in zip(passes, answers, strict=True) if a is not None}
        losers = [t for t, a in zip(passes, answers, strict=True) if a is None]
        self.counters["won"] = len(winners)
        self.counters["refused"] = len(losers)
        orders = {t: self._order_of(t, url) for t, url in winners.items()}
        cancelled = rng.choice(sorted(orders)) if orders else None
        for token, order_id in orders.items():
            if order_id is None:
                continue
            if token == cancelled:
                self.client.post(f"/v1/orders/{order_id}/cancel", token=token)
                self.counters["returned"] += 1
            elif rng.random() < PAY_CHANCE:
                self.client.post(f"/v1/orders/{order_id}/payments", token=token,
                                 json={"channel": "sandbox", "sandbox_outcome": "succeed"})
                self.counters["paid"] += 1
        if cancelled and losers:
            time.sleep(2.5)  # the flash jobs give the cancelled unit back to the pool
            again = self._reserve(sale["id"], passes[losers[0]])
            if again is not None:
                self.counters["won"] += 1
                order_id = self._order_of(losers[0], again)
                if order_id is not None:
                    self.client.post(f"/v1/orders/{order_id}/payments", token=losers[0],
                                     json={"channel": "sandbox", "sandbox_outcome": "succeed"})
                    self.counters["paid"] += 1
        time.sleep(1.0)  # the sandbox's callbacks mark the orders paid
        ended = self.client.post(f"/v1/admin/flash-sales/{sale['id']}/end",
                                 token=self.admin_token)
        self.reconciled = bool(ended.get("reconciliation")) and \
            ended["reconciliation"]["differences"] == []

    def _reserve(self, sale_id: str, flash_pass: str) -> str | None:
        """The status url of a won reservation; None when refused."""
        try:
            got = self.client.post(f"/v1/flash-sales/{sale_id}/reserve",
                                   headers={"X-Flash-Pass": flash_pass},
                                   json={"request_id": uuid.uuid4().hex})
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return None
        return got["status_url"]

    def _order_of(self, token: str, status_url: str, timeout: float = 20.0) -> str | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.client.get(status_url, token=token)
            if got["state"] != "queued":
                return got.get("order_id")
            time.sleep(0.2)
        return None
