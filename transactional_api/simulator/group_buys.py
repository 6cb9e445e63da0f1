"""Group buying in the simulated shop: the operator puts group-buy offers on a few SKUs,
then each day some shoppers open a group, share it, and friends join through the link
and pay; some groups fill, some do not (their paid members are refunded when the
operator's day-end close runs). Every draw comes from the seed and the day, so a run
is reproducible; an endpoint that refuses (4xx) skips that step only."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError

JOIN_CHANCE = 0.55  # an invited friend who joins
PAY_CHANCE = 0.85  # a seat that gets paid
GAP = timedelta(minutes=3)


@dataclass
class SimGroupBuys:
    client: ApiClient
    admin_token: str
    seed: int
    offers: list[dict] = field(default_factory=list)
    opened: int = 0
    joined: int = 0
    paid: int = 0
    closed: dict[str, int] = field(default_factory=dict)

    def create_offers(self, skus: list[tuple[str, int]], start: datetime, end: datetime,
                      *, size: int = 3) -> None:
        """One offer per (sku_id, list price): 30% off, a 12-hour window; every other
        offer completes an unfilled group with a virtual member."""
        for n, (sku_id, price) in enumerate(skus):
            try:
                self.offers.append(self.client.post(
                    "/v1/admin/group-buys", token=self.admin_token, clock=start, json={
                        "sku_id": sku_id, "group_price_cents": max(1, price * 70 // 100),
                        "group_size": size, "window_seconds": 12 * 3600,
                        "fill_with_virtual": n % 2 == 1, "starts_at": start.isoformat(),
                        "ends_at": end.isoformat()}))
            except ApiError as exc:
                if exc.status >= 500:
                    raise

    def run_day(self, tokens: list[str], day: int, day_start: datetime,
                day_end: datetime, *, groups: int = 2) -> None:
        """``groups`` leaders drawn from the signed-in shoppers' tokens open a group each;
        friends join through the leader's share link; at day end the close job runs."""
        if not self.offers or len(tokens) < 2:
            return
        rng = random.Random(f"{self.seed}:group-buys:{day}")
        at = day_start + timedelta(hours=9)
        for _ in range(groups):
            offer = rng.choice(self.offers)
            leader, *friends = rng.sample(tokens, min(len(tokens), offer["group_size"] + 1))
            at += GAP
            seat = self._post(f"/v1/group-buys/{offer['id']}/groups", leader, at)
            if seat is None:
                continue
            self.opened += 1
            self._pay(seat["order_id"], leader, at, rng)
            share = self._post(f"/v1/group-buys/groups/{seat['group']['id']}/share",
                               leader, at)
            for friend in friends:
                if rng.random() >= JOIN_CHANCE:
                    continue
                at += GAP
                joined = self._post(f"/v1/group-buys/groups/{seat['group']['id']}/join",
                                    friend, at, {"invite": share["token"]} if share else {})
                if joined is not None:
                    self.joined += 1
                    self._pay(joined["order_id"], friend, at, rng)
        closed = self._post("/v1/admin/group-buys/close-due", self.admin_token,
                            day_end)
        for status, n in (closed or {}).items():
            self.closed[status] = self.closed.get(status, 0) + n

    def _pay(self, order_id: str, token: str, at: datetime, rng: random.Random) -> None:
        if rng.random() < PAY_CHANCE and self._post(
                f"/v1/orders/{order_id}/payments", token, at,
                {"channel": "sandbox", "sandbox_outcome": "succeed"}) is not None:
            self.paid += 1

    def _post(self, path: str, token: str, at: datetime, body: dict | None = None):
        try:
            return self.client.post(path, token=token, clock=at, json=body or {})
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return None
