"""The operator's end of day in the simulated shop: pick, pack and ship paid sub-orders
(a merchant's parts of one order travel as one merged parcel), now and then stop one
before it leaves, let the sandbox carrier move parcels to the day's clock, complete what
was delivered long enough ago, and expire unpaid orders."""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.visits import TrackedOrder

log = logging.getLogger(__name__)
SHIP_SHARE, INTERCEPT_SHARE = 0.75, 0.04


class Operations:
    def __init__(self, client: ApiClient, token: str | None, seed: int,
                 run_tag: str = "") -> None:
        self.client = client
        self.token = token
        self.rng = random.Random(f"admin:{seed}")
        # Tracking numbers from the seed and the run's last day, not the server's random
        # ids: the sandbox carrier derives a parcel's failed delivery attempt from the
        # number, so one seed must ship the same numbers to get the same deliveries.
        self.run_tag = run_tag or str(seed)
        self.shipped_count = 0  # parcels
        self.intercepted = 0
        self.carrier_events = 0
        self.completed = 0
        self.expired = 0
        self.shipped_today: list[TrackedOrder] = []

    def end_of_day(self, day_orders: list[TrackedOrder], day_end: datetime) -> None:
        if not self.token:
            return
        # bank transfers and card confirmations owed by the day's end arrive
        self._call("/v1/admin/payments/sandbox/deliver-due", day_end)
        self.shipped_today = []
        for order in day_orders:
            if order.expect_paid and not order.cancelled and self.rng.random() < SHIP_SHARE:
                self._fulfil(order, day_end - timedelta(minutes=self.rng.randint(5, 90)))
        moved = self._call("/v1/admin/fulfilment/carriers/sandbox/deliver-due", day_end)
        self.carrier_events += int((moved or {}).get("delivered", 0))
        done = self._call("/v1/admin/fulfilment/complete-due", day_end)
        self.completed += int((done or {}).get("completed", 0))
        body = self._call("/v1/admin/orders/expire", day_end)
        self.expired += int((body or {}).get("cancelled", 0))

    def _fulfil(self, order: TrackedOrder, at: datetime) -> None:
        try:
            current = self.client.get(f"/v1/orders/{order.order_id}", token=self.token)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return
        parcels: dict[str, list[str]] = defaultdict(list)
        for sub in current["sub_orders"]:
            if sub["kind"] != "physical" or sub["status"] != "allocated":
                continue
            if self.rng.random() < INTERCEPT_SHARE:
                self._intercept(sub, at)
                continue
            for step in ("picking", "packed"):
                self._call(f"/v1/admin/sub-orders/{sub['id']}/transitions", at,
                           json={"to": step})
            parcels[sub["merchant_id"]].append(sub["id"])
        for subs in parcels.values():
            number = f"SIM-{self.run_tag}-{self.shipped_count + 1:05d}"
            if self._call("/v1/admin/shipments", at, json={
                    "sub_order_ids": subs, "carrier": "sandbox",
                    "tracking_number": number}) is not None:
                self.shipped_count += 1
        if parcels:
            self.shipped_today.append(order)

    def _intercept(self, sub: dict[str, Any], at: datetime) -> None:
        url = f"/v1/admin/sub-orders/{sub['id']}/intercept"
        if self.rng.random() < 0.5:
            self._call(url, at, json={"action": "cancel", "reason": "address undeliverable"})
        else:  # a hold that clears: the parcel goes the next day
            self._call(url, at, json={"action": "pause", "reason": "payment review"})
            self._call(url, at, json={"action": "resume", "reason": "review passed"})
        self.intercepted += 1

    def _call(self, path: str, clock: datetime, json: Any = None) -> Any:
        try:
            return self.client.post(path, token=self.token, clock=clock, json=json)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            log.warning("admin action refused: %s", exc)
            return None
