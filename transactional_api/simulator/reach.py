"""Shoppers answering reach messages: at each simulated day's end the operator runs
reach's due work (abandoned carts, deferred sends) at the day-end clock, then every
signed-in shopper reads their messages and opens and clicks some, seeded. Buying after a
click is left to the shopper's planned visits (the plan is fixed by the seed beforehand)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError

OPEN_SHARE = 0.6
CLICK_SHARE = 0.35  # of the opened


@dataclass
class SimReach:
    client: ApiClient
    admin_token: str | None
    seed: int
    opened: int = 0
    clicked: int = 0
    runs: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"reach:{self.seed}")

    def end_of_day(self, tokens: list[str], day_end: datetime) -> None:
        if not self.admin_token:
            return
        try:
            self.client.post("/v1/admin/reach/run", token=self.admin_token, clock=day_end)
            self.runs += 1
        except ApiError:
            return  # an API without reach (older) still simulates the rest
        for n, token in enumerate(tokens):
            self._read(token, day_end - timedelta(minutes=30) + timedelta(seconds=n))

    def _read(self, token: str, at: datetime) -> None:
        try:
            box = self.client.get("/v1/me/messages", token=token, clock=at)
        except ApiError:
            return  # a token signed out or expired: the shopper reads another day
        for message in box["items"]:
            if message["opened_at"] is not None or self.rng.random() >= OPEN_SHARE:
                continue
            self.client.post(f"/v1/me/messages/{message['id']}/open", token=token, clock=at)
            self.opened += 1
            if self.rng.random() < CLICK_SHARE:
                self.client.post(f"/v1/me/messages/{message['id']}/click", token=token,
                                 clock=at + timedelta(seconds=20))
                self.clicked += 1


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
