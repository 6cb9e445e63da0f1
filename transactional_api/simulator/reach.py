"""Shoppers answering reach messages: at each simulated day's end the operator runs
reach's due work (abandoned carts, deferred sends) at the day-end clock, then every
signed-in shopper reads the messages sent to them by then and opens and clicks some.

A click leads somewhere, as in a real shop: an abandoned-cart reminder's link opens the
shopper's cart, which they check out with CART_CHECKOUT_CHANCE; any other message's link
starts a visit that ends in an order with CLICK_BUY_CHANCE, well above a planned visit's
odds. Each message's draws come from the seed and the message itself (its subject, send
time and the day it is read), never from the plan's generator, so the plan stays as the
seed made it and one message's fate does not shift another's."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.shoppers import (
    REACH_CHANNEL,
    PlannedProduct,
    Shopper,
    Step,
    Visit,
    rng_uuid,
)
from transactional_api.simulator.visits import VisitRunner

OPEN_SHARE = 0.6
CLICK_SHARE = 0.35  # of the opened
CART_CHECKOUT_CHANCE = 0.6  # a reminder's click that checks the cart out
CLICK_BUY_CHANCE = 0.4  # another message's click that ends in an order
GAP = timedelta(seconds=20)  # between one shopper's actions
READING = timedelta(minutes=30)  # shoppers read in the day's last half hour


@dataclass
class SimReach:
    client: ApiClient
    admin_token: str | None
    seed: int
    runner: VisitRunner | None = None  # visits after a click (None: clicks lead nowhere)
    catalog: list[PlannedProduct] = field(default_factory=list)
    opened: int = 0
    clicked: int = 0
    purchases: int = 0  # orders placed and paid after a click (not bank transfers,
    # which settle later)
    runs: int = 0
    kinds: dict[str, str] = field(default_factory=dict)  # campaign id -> trigger kind

    def end_of_day(self, shoppers: list[Shopper], day: int, day_end: datetime) -> None:
        if not self.admin_token or self.runner is None:
            return
        try:
            self.client.post("/v1/admin/reach/run", token=self.admin_token, clock=day_end)
            self.runs += 1
            self.kinds = {c["id"]: c["trigger"]["kind"] for c in self.client.get(
                "/v1/admin/reach/campaigns", token=self.admin_token)["items"]}
        except ApiError:
            return  # an API without reach (older) still simulates the rest
        readers = []
        for shopper in shoppers:
            state = self.runner.states.get(shopper.index)
            token = state and (state.remembered or state.token)
            if token:
                readers.append((shopper, token))
        # one slot each, so a shopper's clicks and checkout stay inside the half hour
        slot = min(timedelta(minutes=3), (READING - timedelta(minutes=1)) / max(1, len(readers)))
        for n, (shopper, token) in enumerate(readers):
            self._read(shopper, token, day, day_end - READING + n * slot, slot)

    def _read(self, shopper: Shopper, token: str, day: int, at: datetime,
              slot: timedelta) -> None:
        try:
            box = self.client.get("/v1/me/messages", token=token, clock=at)
        except ApiError:
            return  # a token signed out or expired: the shopper reads another day
        gap = min(GAP, slot / 12)
        for message in box["items"]:
            # a run at the day's end may send after this shopper's reading time
            if message["opened_at"] is not None \
                    or datetime.fromisoformat(message["sent_at"]) > at:
                continue
            rng = random.Random(f"reach:{self.seed}:{shopper.index}:{message['subject']}:"
                                f"{message['sent_at']}:{at.date()}")
            if rng.random() >= OPEN_SHARE:
                continue
            self.client.post(f"/v1/me/messages/{message['id']}/open", token=token, clock=at)
            self.opened += 1
            if rng.random() >= CLICK_SHARE:
                continue
            at += gap
            self.client.post(f"/v1/me/messages/{message['id']}/click", token=token, clock=at)
            self.clicked += 1
            at = self._follow(shopper, message, rng, day, at + gap, gap)

    def _follow(self, shopper: Shopper, message: dict[str, Any], rng: random.Random,
                day: int, at: datetime, gap: timedelta) -> datetime:
        """The visit the click opens; returns the time after it."""
        to_cart = self.kinds.get(message["campaign_id"]) == "abandoned_cart"
        buys = rng.random() < (CART_CHECKOUT_CHANCE if to_cart else CLICK_BUY_CHANCE)
        visit = Visit(shopper.index, day, rng_uuid(rng), REACH_CHANNEL.name, shopper.device)

        def add(kind: str, **args: Any) -> None:
            visit.steps.append(Step(kind, at + gap * len(visit.steps),
                                    tuple(sorted(args.items()))))

        add("login", fresh=False)  # the link opens in the browser that is signed in
        add("page_view", page="/cart" if to_cart else "/")
        product = None
        if not to_cart and self.catalog:
            liked = [p for p in self.catalog if p.category in shopper.favourite_categories]
            product = rng.choice(liked or self.catalog)
            add("product_view", product_id=product.product_id)
        if buys and (to_cart or product is not None):
            if product is not None:
                add("add_to_cart", product_id=product.product_id,
                    sku_id=rng.choice(product.sku_ids), quantity=1)
            add("checkout_started")
            add("place_order", idempotency_key=rng_uuid(rng), resend=False)
            add("pay", outcome="succeed", idempotency_key=rng_uuid(rng))
        # the shared state, orders and counters, but generators of its own: the planned
        # visits' event ids and share draws must not move with which messages arrived when
        # (a level-up's message waits on the members consumer's timing). No points here.
        runner = replace(self.runner, event_rng=random.Random(rng.getrandbits(64)),
                         members=None)
        placed = len(runner.orders)
        runner.run(visit, shopper)
        self.purchases += sum(1 for o in runner.orders[placed:] if o.expect_paid)
        return visit.steps[-1].at + gap


DEMO_CAMPAIGNS = [
    {"name": "Level-up congratulation", "channel": "inbox",
     "subject": "Welcome to {level}",
     "template": "You moved up from {from_level} to {level}. Here is {offer_code}, valid "
                 "until {offer_expires_at}.",
     "trigger": {"kind": "event", "event_type": "member_level_changed"},
     "offer": {"code": "LEVELUP10", "valid_hours": 72}, "caps": {"per_day": 2}},
    {"name": "Abandoned cart reminder", "channel": "inbox",
     "subject": "Still thinking it over?",
     "template": "Your {cart_items} items are waiting. Use {offer_code} within "
                 "{offer_valid_hours} hours.",
     "trigger": {"kind": "abandoned_cart", "idle_minutes": 120},
     "offer": {"code": "CART5", "valid_hours": 24},
     "caps": {"per_day": 1, "per_week": 3}, "quiet_hours": {"start_hour": 22, "end_hour": 8}},
]
WIN_BACK_RULE = {"tag": "dormant_90d"}


def create_demo_campaigns(client: ApiClient, admin_token: str, clock: datetime) -> list[str]:
    """The demo's campaigns, active from clock: a level-up congratulation, an abandoned
    cart reminder and a win-back of the dormant_90d audience (coupons are free-text codes
    until the shop issues real ones)."""
    audience = client.post("/v1/admin/audiences", token=admin_token, clock=clock,
                           json={"name": "dormant 90 days", "rule": WIN_BACK_RULE})
    bodies = [*DEMO_CAMPAIGNS, {
        "name": "Dormant win-back", "channel": "email", "subject": "We miss you",
        "template": "It has been a while. {offer_code} takes 15% off for {offer_valid_hours} "
                    "hours.",
        "trigger": {"kind": "audience", "audience_id": audience["id"]},
        "offer": {"code": "COMEBACK15", "valid_hours": 168}, "caps": {"per_week": 1}}]
    ids = []
    for body in bodies:
        created = client.post("/v1/admin/reach/campaigns", token=admin_token, clock=clock,
                              json=body)
        client.post(f"/v1/admin/reach/campaigns/{created['id']}/transitions",
                    token=admin_token, clock=clock, json={"action": "activate"})
        ids.append(created["id"])
    return ids
